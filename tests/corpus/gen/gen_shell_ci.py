"""Shell and CI logs: real `bash -x` traces, `make` echoing commands and a GitHub-Actions-style step
log, all from really running scripts that call curl, wget, git, mysql, mysqldump, psql, redis-cli,
aws, npm, pip, openssl and ssh-keygen against a small HTTP server on 127.0.0.1 (the database ports
are closed ports on 127.0.0.1, so the clients really run and print their real connection errors).

The GitHub-Actions-style part is produced by run_gha_step() below: it prints a step the way the
Actions runner does (`##[group]Run …`, the script, `shell:`, `env:`, `##[endgroup]`, a
`2024-05-01T12:00:00.1234567Z ` timestamp on every line, `##[error]Process completed with exit
code N.`) and masks, line by line as the runner does, the values of the step's secrets and of
`::add-mask::` commands (exact value, JSON- and URL-escaped) with `***`. What it does not mask leaks,
as it does on the real runner: values printed before their `::add-mask::` (the `set -x` trace of the
echo itself), tokens obtained at run time and never masked, encodings of secrets (user:pass base64).
"""
import base64
import datetime
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import urllib.parse

import common as c

NAME = "shell_ci"
S = c.Secrets(NAME)
raw = open(c.raw_path(NAME), "w", newline="\n")


# ---------- a small HTTP API on 127.0.0.1 (OAuth token endpoint, git smart-HTTP 401/404, JSON) ----------
class Api(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _send(self, code, body, ctype="application/json", extra=()):
        b = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(b)))
        self.send_header("X-Request-Id", c.rand(20, c.LOW + c.DIG))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(b)

    def _handle(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        p = urllib.parse.urlsplit(self.path).path
        if p == "/oauth/token":
            tok = S.add(c.opaque_token("at_"))
            rt = S.add(c.refresh_token())
            return self._send(200, json.dumps({"access_token": tok, "token_type": "Bearer", "expires_in": 3600,
                                               "refresh_token": rt, "scope": "deploy"}))
        if p.startswith("/git/"):
            if "Authorization" not in self.headers:
                return self._send(401, "Authentication required\n", "text/plain",
                                  [("WWW-Authenticate", 'Basic realm="git"')])
            return self._send(404, "Repository not found\n", "text/plain")
        if p == "/login":
            sid = S.add(c.rand(32, c.LOW + c.DIG))
            return self._send(200, json.dumps({"ok": True, "auth_method": "password", "session_count": 1}),
                              extra=[("Set-Cookie", "sessionid=%s; HttpOnly; Path=/; SameSite=Lax" % sid)])
        if p.startswith("/admin"):
            return self._send(403, json.dumps({"error": "forbidden", "message": "Authorization header missing"}))
        return self._send(200, json.dumps({"ok": True, "path": p, "token_type": "Bearer", "max_tokens": 4096,
                                           "request_id": c.rand(12, c.LOW + c.DIG)}))

    do_GET = do_POST = do_PUT = do_HEAD = _handle


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
threading.Thread(target=srv.serve_forever, daemon=True).start()
PORT = srv.server_address[1]
DEAD = c.free_port()  # nothing listens here: mysql/psql/redis-cli print their connection errors

work = tempfile.mkdtemp(prefix="scrubd-ci-")
home = os.path.join(work, "home")
os.makedirs(home)
BASE_ENV = {
    # Debian's tools first (git, curl, aws, npm, psql, mysql, redis-cli); pip from the generator venv
    "PATH": os.path.join(os.path.dirname(os.path.abspath(__file__)), ".venv/bin") + ":/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "TERM": "dumb",
    "PIP_CONFIG_FILE": os.path.join(work, "pip.conf"), "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "npm_config_update_notifier": "false", "GIT_TERMINAL_PROMPT": "0",
    "API": "http://127.0.0.1:%d" % PORT, "DEAD": str(DEAD),
}


def emit(text):
    raw.write(text)
    raw.flush()


def run(argv, env, cwd=work):
    r = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------------
# 1. bash -x of a deploy script that sources a .env file (set -a) and calls many CLIs
# ---------------------------------------------------------------------------------------------------
db_pass = S.add(c.password())
pg_pass = S.add(c.password())
mysql_root = S.add(c.password())
redis_pw = S.add(c.password(24))
stripe = S.add(c.api_key("stripe"))
private_key = S.add(c.rand(44, c.B64) + "=")
todo_secret = S.add(c.rand(32))
client_secret = S.add(c.rand(40, c.URLSAFE))
api_key = S.add(c.api_key("generic"))
partner_key = S.add(c.rand(40, c.URLSAFE))
admin_pw = S.add(c.human_password())
login_pw = S.add(c.password())
human_pw = S.add(c.human_password())
csrf = S.add(c.rand(43, c.URLSAFE))
sid = S.add(c.rand(32, c.LOW + c.DIG))
token2 = S.add(c.opaque_token())
deploy_pw = S.add(c.password())
apikey_json = S.add(c.api_key("openai"))
client_secret2 = S.add(c.rand(48, c.URLSAFE))
gh_token = S.add(c.api_key("github"))
npm_token = S.add("npm_" + c.rand(36))
pypi_token = S.add("pypi-AgEIcHlwaS5vcmc" + c.rand(120, c.URLSAFE))
enc_pass = S.add(c.human_password())
ssh_pass = S.add(c.human_password())
new_akid = S.add(c.aws_access_key_id())
new_secret = S.add(c.aws_secret_access_key())
S.add(c.basic("deploy", deploy_pw))

dotenv = """# app settings (loaded with set -a)
APP_NAME=billing-api
DEPLOY_ENV=production
DB_HOST=db.internal
DB_USER=app
DB_PASS='{db_pass}'
STRIPE_SECRET_KEY={stripe}
PRIVATE_KEY="{private_key}"
todo_secret_do_not_commit={todo}
CLIENT_ID=ci-deployer
CLIENT_SECRET={client_secret}
AUTH_PROVIDER=okta
MAX_TOKENS=4096
TOKENIZER_NAME=cl100k_base
MONGO_NO_AUTH="mongodb://mongo.internal:27017"
""".format(db_pass=db_pass, stripe=stripe, private_key=private_key, todo=todo_secret, client_secret=client_secret)
open(os.path.join(work, ".env"), "w").write(dotenv)

deploy_sh = r"""#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")"
set -a
source ./.env
set +a
echo "deploying $APP_NAME to $DEPLOY_ENV (auth_provider=$AUTH_PROVIDER)"
TOKEN=$(curl -sS -X POST "$API/oauth/token" -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials | jq -r .access_token)
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$API/v1/deployments" -d "{\"ref\":\"main\",\"environment\":\"$DEPLOY_ENV\"}"
echo
curl -sS -H "X-Api-Key: $API_KEY" -H "X-Partner-Key: $PARTNER_KEY" "$API/v1/status?token_count=3"
echo
curl -sS --user "admin:$ADMIN_PASSWORD" "$API/admin/reindex"
echo
curl -sS --data "username=deploy&password=$LOGIN_PASSWORD" "$API/login"
echo
curl -sS --data-urlencode "password=$HUMAN_PASSWORD" --data-urlencode "username=ops" "$API/login"
echo
curl -sS -b "CSRF_COOKIE=$CSRF_COOKIE; sessionid=$SESSIONID" "$API/settings/form"
echo
curl -sS --oauth2-bearer "$TOKEN2" "$API/v1/me"
echo
curl -v -sS -u "deploy:$DEPLOY_PASSWORD" "$API/v1/artifacts" 2>&1
echo
curl -sS -H 'Content-Type: application/json' -d "{\"apiKey\": \"$APIKEY\", \"clientSecret\": \"$CLIENT_SECRET2\", \"events\": [\"push\"]}" "$API/v1/hooks"
echo
curl -sS "$API/v1/export?api_key=$API_KEY&format=csv&sort_key=created_at"
echo
curl -sS -H "Authorization: token $GH_TOKEN" -H "Accept: application/vnd.github+json" "$API/repos/acme/app/releases" -d '{"tag_name":"v1.4.2"}'
echo
wget -q -O /dev/null --http-user=deploy --http-password="$DEPLOY_PASSWORD" "$API/v1/artifacts/app.tar.gz" && echo "artifact downloaded"
mysql -h 127.0.0.1 -P "$DEAD" -u root -p"$MYSQL_ROOT_PASSWORD" -e 'SELECT 1' || echo "mysql not reachable, skipping grants"
mysqldump -h 127.0.0.1 -P "$DEAD" -u backup --password="$DB_PASS" --single-transaction app > /dev/null || echo "backup skipped"
psql "postgresql://app:$PG_PASS_URLENC@127.0.0.1:$DEAD/app?sslmode=disable" -c 'select 1' || true
PGPASSWORD="$PG_PASS" psql -h 127.0.0.1 -p "$DEAD" -U app -d app -c 'select count(*) from sessions' || true
redis-cli -h 127.0.0.1 -p "$DEAD" -a "$REDIS_PASSWORD" ping || true
redis-cli -u "redis://default:$REDIS_PASSWORD@127.0.0.1:$DEAD/0" --no-auth-warning ping || true
aws configure set aws_access_key_id "$NEW_AWS_ACCESS_KEY_ID" --profile deploy
aws configure set aws_secret_access_key "$NEW_AWS_SECRET_ACCESS_KEY" --profile deploy
aws configure set region eu-west-1 --profile deploy
aws configure list --profile deploy
cat ~/.aws/credentials
git clone "http://x-access-token:$GH_TOKEN@127.0.0.1:${API##*:}/git/acme/infra.git" || echo "clone failed"
GIT_TRACE_CURL=1 GIT_TRACE_CURL_NO_DATA=1 git -c http.extraHeader="Authorization: Bearer $GH_TOKEN" ls-remote "$API/git/acme/infra.git" 2>&1 | grep -E 'Send header: (GET|Authorization|User-Agent)|Recv header: HTTP|fatal' || true
npm config set "//npm.pkg.example.com/:_authToken" "$NPM_TOKEN" --userconfig ./.npmrc
npm config set "@acme:registry" "https://npm.pkg.example.com/" --userconfig ./.npmrc
npm config list --userconfig ./.npmrc | grep -v '^; node\|^; npm\|^; cwd\|^; HOME\|^; Run\|prefix\|^$' || true
cat ./.npmrc
pip config set global.index-url "https://__token__:$PYPI_TOKEN@pypi.example.com/simple"
pip config list
openssl enc -aes-256-cbc -pbkdf2 -salt -pass "pass:$ENC_PASS" -in .env -out .env.enc
ssh-keygen -q -t ed25519 -N "$SSH_PASSPHRASE" -C deploy@ci -f ./id_deploy
echo "deploy finished: token_count=3 max_tokens=$MAX_TOKENS auth_method=oidc primary_key=id"
"""
open(os.path.join(work, "deploy.sh"), "w").write(deploy_sh)
env = dict(BASE_ENV, API_KEY=api_key, PARTNER_KEY=partner_key, ADMIN_PASSWORD=admin_pw, LOGIN_PASSWORD=login_pw,
           HUMAN_PASSWORD=human_pw, CSRF_COOKIE=csrf, SESSIONID=sid, TOKEN2=token2, DEPLOY_PASSWORD=deploy_pw,
           APIKEY=apikey_json, CLIENT_SECRET2=client_secret2, GH_TOKEN=gh_token, MYSQL_ROOT_PASSWORD=mysql_root,
           PG_PASS=pg_pass, PG_PASS_URLENC=urllib.parse.quote(pg_pass, safe=""), REDIS_PASSWORD=redis_pw,
           NEW_AWS_ACCESS_KEY_ID=new_akid, NEW_AWS_SECRET_ACCESS_KEY=new_secret, NPM_TOKEN=npm_token,
           PYPI_TOKEN=pypi_token, ENC_PASS=enc_pass, SSH_PASSPHRASE=ssh_pass)
emit("$ bash -x ./deploy.sh\n")
rc, out = run(["bash", "-x", "./deploy.sh"], env)
emit(out)
emit("[exit %d]\n" % rc)

# ---------------------------------------------------------------------------------------------------
# 2. set -x with a PS4 that prints file:line, exporting secrets from the environment and a token file
# ---------------------------------------------------------------------------------------------------
login_password = S.add(c.password())
push_token = S.add(c.rand(64, c.URLSAFE))
device_secret = S.add(c.rand(32))
refresh = S.add(c.refresh_token())
session_token = S.add(c.aws_session_token())
sts_secret = S.add(c.aws_secret_access_key())
sts_key = S.add(c.aws_temp_access_key_id())
open(os.path.join(work, "token.json"), "w").write(json.dumps({"refresh": refresh, "token_type": "Bearer", "expires_in": 3600}))
env_sh = r"""#!/usr/bin/env bash
export PS4='+(${BASH_SOURCE}:${LINENO}): ${FUNCNAME[0]:+${FUNCNAME[0]}(): }'
set -euxo pipefail
load_credentials() {
  export login_password="$1"
  export PUSH_TOKEN="$2" device_secret="$3"
  refresh=$(jq -r .refresh token.json)
  export refresh
  export AWS_ACCESS_KEY_ID="$STS_KEY" AWS_SECRET_ACCESS_KEY="$STS_SECRET" AWS_SESSION_TOKEN="$STS_TOKEN"
  export AWS_ROLE_SESSION_NAME=botocore-session-1795000000
  export SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2
  export PARAM_NAME=arn:aws:ssm:us-east-1:123456789012:parameter/app/api_key_name
}
load_credentials "$LOGIN_PASSWORD" "$PUSH" "$DEVICE"
export -p | grep -E 'login_password|PUSH_TOKEN|device_secret|refresh|AWS_|SECRET_ARN|PARAM_NAME|MONGO_NO_AUTH'
env | sort | grep -E '^(AWS_|login_|device_|PUSH_|refresh|TOKENIZER|SESSION_COUNT)'
curl -sS -X POST "$API/v1/push/register" -H "Content-Type: application/json" -d "{\"push_token\":\"$PUSH_TOKEN\",\"device_secret\":\"$device_secret\",\"session_count\":2}"
echo
curl -sS "$API/oauth/token" -d "grant_type=refresh_token&refresh_token=$refresh&client_id=mobile"
echo
unset login_password device_secret
echo "credentials unloaded; author=ci-bot session_count=$SESSION_COUNT"
"""
open(os.path.join(work, "env.sh"), "w").write(env_sh)
env = dict(BASE_ENV, LOGIN_PASSWORD=login_password, PUSH=push_token, DEVICE=device_secret, STS_KEY=sts_key,
           STS_SECRET=sts_secret, STS_TOKEN=session_token, SESSION_COUNT="2", TOKENIZER_NAME="cl100k_base",
           MONGO_NO_AUTH="mongodb://mongo.internal:27017")
emit("$ ./env.sh\n")
rc, out = run(["bash", "./env.sh"], env)
emit(out)
emit("[exit %d]\n" % rc)

# ---------------------------------------------------------------------------------------------------
# 3. make echoing its recipes (variables given on the command line and from the environment)
# ---------------------------------------------------------------------------------------------------
mk_gh = S.add(c.api_key("github"))
mk_db = S.add(c.password())
mk_slack = S.add(c.api_key("slack"))
mk_sendgrid = S.add(c.api_key("sendgrid"))
makefile = """API ?= http://127.0.0.1:8080
DB_USER ?= app
DATABASE_URL = postgres://$(DB_USER):$(DB_PASS)@127.0.0.1:$(DEAD)/app
TOKENIZER_NAME = cl100k_base

.PHONY: release migrate notify check
release:
\tcurl -fsS -H "Authorization: token $(GITHUB_TOKEN)" -H "Accept: application/vnd.github+json" $(API)/repos/acme/app/releases -d '{"tag_name":"v1.4.2","draft":false}'
\t@echo
\tcurl -fsS -H "Authorization: Bearer $(SLACK_BOT_TOKEN)" -H 'Content-type: application/json' $(API)/api/chat.postMessage -d '{"channel":"#deploys","text":"released v1.4.2"}'
\t@echo
migrate:
\tmysql -h 127.0.0.1 -P $(DEAD) -u$(DB_USER) -p$(DB_PASS) app < /dev/null || echo "skip mysql"
\tpsql "$(DATABASE_URL)" -c 'select 1' || echo "skip postgres"
notify:
\tcurl -fsS --request POST --url $(API)/v3/mail/send --header 'Authorization: Bearer $(SENDGRID_API_KEY)' --header 'Content-Type: application/json' --data '{"personalizations":[{"to":[{"email":"ops@example.com"}]}],"subject":"password reset email sent"}'
\t@echo
check:
\t@echo "tokenizer=$(TOKENIZER_NAME) max_tokens=4096 auth_provider=github"
\ttest -n "$(GITHUB_TOKEN)" && echo "GITHUB_TOKEN is set" || echo "Authorization header missing"
"""
open(os.path.join(work, "Makefile"), "w").write(makefile)
env = dict(BASE_ENV, SLACK_BOT_TOKEN=mk_slack, SENDGRID_API_KEY=mk_sendgrid)
for target in ("check", "release", "migrate", "notify"):
    argv = ["make", "--no-print-directory", target, "API=http://127.0.0.1:%d" % PORT, "DEAD=%d" % DEAD,
            "GITHUB_TOKEN=" + mk_gh, "DB_PASS=" + mk_db]
    emit("$ make %s\n" % target)
    rc, out = run(argv, env)
    emit(out)

# ---------------------------------------------------------------------------------------------------
# 4. GitHub-Actions-style step logs (see the module docstring for what the runner emulation does)
# ---------------------------------------------------------------------------------------------------
class Clock:
    def now(self):  # the runner's format: UTC, 7 fractional digits
        return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


clock = Clock()


def mask_variants(v):
    return sorted({v, json.dumps(v)[1:-1], urllib.parse.quote(v, safe="")}, key=len, reverse=True)


def run_gha_step(title, script, step_env, secret_names):
    masks = [m for k in secret_names for m in mask_variants(step_env[k])]

    def out(line):
        for m in masks:
            line = line.replace(m, "***")
        emit("%s %s\n" % (clock.now(), line))

    out("##[group]Run " + script.strip().splitlines()[0])
    for l in script.strip().splitlines():
        out(l)
    out("shell: /usr/bin/bash -e {0}")
    out("env:")
    for k, v in step_env.items():
        if k in BASE_ENV:
            continue
        out("  %s: %s" % (k, "***" if k in secret_names else v))
    out("##[endgroup]")
    path = os.path.join(work, "step.sh")
    open(path, "w").write(script)
    p = subprocess.Popen(["bash", "-e", path], cwd=work, env=dict(BASE_ENV, **step_env),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    for bline in p.stdout:
        line = bline.decode("utf-8", "replace").rstrip("\n")
        if line.startswith("::add-mask::"):
            masks.extend(mask_variants(line[len("::add-mask::"):]))
            continue
        if line.startswith("::group::"):
            out("##[group]" + line[len("::group::"):])
            continue
        if line == "::endgroup::":
            out("##[endgroup]")
            continue
        for cmd in ("warning", "error", "notice"):
            if line.startswith("::%s::" % cmd):
                line = "##[%s]%s" % (cmd, line[len(cmd) + 4:])
        out(line)
    rc = p.wait()
    if rc:
        out("##[error]Process completed with exit code %d." % rc)
    return rc


emit("=== GitHub Actions job: deploy (ubuntu-latest) ===\n")
gha_token = S.add(c.api_key("github"))
gha_dbpw = S.add(c.password())
gha_npm = S.add("npm_" + c.rand(36))
gha_secret_key = S.add(c.aws_secret_access_key())
step_env = {"DB_PASSWORD": gha_dbpw, "GITHUB_TOKEN": gha_token, "DEPLOY_ENV": "production", "AUTH_PROVIDER": "github",
            "AWS_ROLE_SESSION_NAME": "botocore-session-1795000000", "TOKENIZER_NAME": "cl100k_base"}
run_gha_step("login", r"""set -x
TOKEN=$(curl -sS -X POST "$API/oauth/token" -u "ci:$DB_PASSWORD" -d grant_type=client_credentials | jq -r .access_token)
echo "got token of length ${#TOKEN}, token_type: Bearer"
echo "::add-mask::$TOKEN"
curl -sS -H "Authorization: Bearer $TOKEN" "$API/v1/whoami"
echo
curl -sS -u "ci:$DB_PASSWORD" "$API/v1/ping"
""", step_env, ["DB_PASSWORD", "GITHUB_TOKEN"])

run_gha_step("publish", r"""echo "::group::Configure registry"
npm config set "//registry.npmjs.org/:_authToken" "$NODE_AUTH_TOKEN" --userconfig ./.npmrc-ci
cat ./.npmrc-ci
echo "::endgroup::"
set -x
RT=$(curl -sS "$API/oauth/token" -d grant_type=client_credentials | jq -r .refresh_token)
curl -sS "$API/oauth/token" -d "grant_type=refresh_token&refresh_token=$RT"
echo
export AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY_IN"
aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY" --profile gha
grep -c aws_secret_access_key ~/.aws/credentials
echo "::warning::secret rotation scheduled for arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2"
echo "deploying with session name $AWS_ROLE_SESSION_NAME"
""", {"NODE_AUTH_TOKEN": gha_npm, "AWS_SECRET_ACCESS_KEY_IN": gha_secret_key,
      "AWS_ROLE_SESSION_NAME": "botocore-session-1795000000"}, ["AWS_SECRET_ACCESS_KEY_IN"])

run_gha_step("db-migrate", r"""set -x
mysql -h 127.0.0.1 -P "$DEAD" -u root --password="$DB_PASSWORD" -e 'select 1'
""", {"DB_PASSWORD": gha_dbpw, "MYSQL_PWD_HINT": "see vault"}, ["DB_PASSWORD"])
emit("=== job finished ===\n")

srv.shutdown()
shutil.rmtree(work, ignore_errors=True)
raw.close()
# tokens the scripts got at run time from the API are planted by the server (S.add in Api)
S.save()
