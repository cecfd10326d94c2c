"""YAML dumps logged by applications: PyYAML `dump` / `safe_dump` (block and flow style, plain,
single- and double-quoted scalars, a multi-line PEM, python objects), docker-compose-like and
Kubernetes-Secret-like manifests (`stringData:` and base64 `data:`), helm values, and Ruby's
`to_yaml` (Psych, run with Debian's ruby). Clean look-alikes: `${VAR}` / `{{ secrets.X }}`
references, `secretKeyRef` names, OpenAPI `securitySchemes`, ConfigMaps."""
import base64
import json
import logging
import subprocess
import urllib.parse
import uuid

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import common as c

NAME = "yaml"
S = c.Secrets(NAME)
logfile = c.start_log(NAME, "%(asctime)s %(levelname)-7s %(name)s - %(message)s")
log = logging.getLogger("deployer.render")
cfgl = logging.getLogger("app.settings")


def b64(s):
    v = base64.b64encode(s.encode()).decode()
    return v


def plant_b64(s):
    """A Kubernetes `data:` value is the base64 of the secret: that string is what must vanish."""
    return S.add(b64(s))


# ---------------------------------------------------------------- application settings, block style
db_pw = S.add(c.password())
settings = {
    "app": {"name": "billing-api", "env": "production", "debug": False, "author": "platform-team"},
    "database": {"host": "db.internal", "port": 5432, "user": "billing", "password": db_pw, "pool_size": 10,
                 "url": "postgresql://billing:%s@db.internal:5432/billing" % db_pw},
    "redis": {"url": "redis://:%s@cache.internal:6379/0" % S.add(c.rand(32))},
    "stripe": {"stripeSecretKey": S.add(c.api_key("stripe")), "publishable_key": "pk_live_" + c.rand(24)},
    "auth": {"auth_provider": "okta", "auth_method": "oidc", "clientSecret": S.add(c.rand(40, c.URLSAFE)),
             "client_id": "0oa" + c.rand(17), "token_type": "Bearer", "max_tokens": 4096, "session_count": 3,
             "password_reset_sent": False, "jwt_secret": S.add(c.rand(64, c.B64))},
    "llm": {"tokenizer_name": "cl100k_base", "max_tokens": 8192, "token_count": 0, "apiKey": S.add(c.api_key("openai"))},
    "dynamo": {"table": "users", "primary_key": "user_id", "sort_key": "created_at"},
    "mongo": {"MONGO_NO_AUTH": "mongodb://mongo.internal:27017", "uri": "mongodb+srv://svc:%s@cluster0.x7kqe.mongodb.net/app" % S.add(c.password())},
    "secrets_manager": {"arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2",
                        "parameter": "arn:aws:ssm:us-east-1:123456789012:parameter/app/api_key_name"},
    "hard": {"db_pass": S.add(c.nasty_password()), "login_password": S.add(c.human_password()),
             "todo_secret_do_not_commit": S.add(c.rand(32)), "token2": S.add(c.opaque_token()),
             "refresh": S.add(c.refresh_token()), "ldap_bind_password": S.add("it's: #" + c.rand(12))},
}
cfgl.info("loaded settings (yaml.dump):\n%s", yaml.dump(settings, sort_keys=False).rstrip("\n"))
cfgl.debug("settings.auth (flow): %s", yaml.dump(settings["auth"], default_flow_style=True, width=10_000).rstrip("\n"))
cfgl.debug("settings.hard (safe_dump, double-quoted):\n%s",
           yaml.safe_dump(settings["hard"], default_style='"', sort_keys=True).rstrip("\n"))
cfgl.debug("settings.stripe (safe_dump, single-quoted):\n%s", yaml.safe_dump(settings["stripe"], default_style="'").rstrip("\n"))
cfgl.debug("settings.hard (allow_unicode):\n%s", yaml.safe_dump(settings["hard"], allow_unicode=True).rstrip("\n"))
cfgl.info("settings (flow, one line): %s", yaml.safe_dump(settings["database"], default_flow_style=True, width=10_000).rstrip("\n"))
cfgl.info("redacted view:\n%s", yaml.safe_dump({"database": {"password": "********", "user": "billing"},
                                                "stripe": {"stripeSecretKey": "[FILTERED]"}, "auth": {"clientSecret": "<redacted>",
                                                "jwt_secret": None, "api_key": "", "token": "[Filtered]"}}).rstrip("\n"))

# a multi-line private key: PyYAML writes a multi-line str single-quoted, one body line per line
key = ec.generate_private_key(ec.SECP256R1()).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()).decode()
for line in key.splitlines():
    if line and not line.startswith("-----"):
        S.add(line)
cfgl.debug("tls settings:\n%s", yaml.dump({"tls": {"PRIVATE_KEY": key, "cert_path": "/etc/tls/tls.crt"}}).rstrip("\n"))


class Credentials:
    def __init__(self):
        self.username = "svc-reporting"
        self.device_secret = S.add(c.rand(32))
        self.push_token = S.add(c.rand(64, c.URLSAFE))
        self.expires_in = 3600


cfgl.debug("credentials object:\n%s", yaml.dump(Credentials()).rstrip("\n"))

# ---------------------------------------------------------------- docker-compose
mysql_root = S.add(c.password())
pg_pw = S.add(c.human_password())
compose = {
    "services": {
        "db": {"image": "mysql:8.4", "environment": {"MYSQL_ROOT_PASSWORD": mysql_root, "MYSQL_DATABASE": "billing",
                                                    "MYSQL_USER": "billing", "MYSQL_PASSWORD": "${MYSQL_PASSWORD}"},
               "healthcheck": {"test": ["CMD", "mysqladmin", "ping", "-h", "localhost", "-uroot", "-p" + mysql_root],
                               "interval": "10s"}},
        "postgres": {"image": "postgres:16", "environment": ["POSTGRES_USER=billing", "POSTGRES_PASSWORD=" + pg_pw,
                                                             "POSTGRES_DB=billing", "PGDATA=/var/lib/postgresql/data"]},
        "api": {"image": "ghcr.io/acme/billing-api:1.4.2", "depends_on": ["db", "postgres"],
                "environment": {"DATABASE_URL": "postgres://billing:%s@postgres:5432/billing" % urllib.parse.quote(pg_pw, safe=""),
                                "STRIPE_SECRET_KEY": S.add(c.api_key("stripe")), "X-Partner-Key": S.add(c.rand(40, c.URLSAFE)),
                                "CSRF_COOKIE": S.add(c.rand(43, c.URLSAFE)),
                                "AUTH_PROVIDER": "okta", "TOKENIZER_NAME": "cl100k_base", "SESSION_COUNT": "3",
                                "GITHUB_TOKEN": "${GITHUB_TOKEN:?required}"},
                "command": ["--api-key", S.add(c.api_key("generic")), "--password-file", "/run/secrets/db_password"],
                "secrets": ["db_password"]},
    },
    "secrets": {"db_password": {"file": "./secrets/db_password.txt"}},
}
log.info("docker compose config (rendered):\n%s", yaml.safe_dump(compose, sort_keys=False).rstrip("\n"))

# ---------------------------------------------------------------- Kubernetes manifests
sec_pw = S.add(c.password())
sec_key = S.add(c.api_key("sendgrid"))
k8s_secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "billing-credentials", "namespace": "prod",
                                                                  "labels": {"app": "billing"}},
              "type": "Opaque",
              "stringData": {"DB_PASSWORD": sec_pw, "SENDGRID_API_KEY": sec_key, "apiKey": S.add(c.api_key("google")),
                             "config.yaml": "token_count: 0\nauth_method: oidc\n"}}
data_pw = S.add(c.nasty_password())
data_tok = S.add(c.api_key("slack"))
k8s_secret2 = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "billing-tokens", "namespace": "prod"}, "type": "Opaque",
               "data": {"password": plant_b64(data_pw), "slack-token": plant_b64(data_tok), "username": b64("billing")}}
reg_pw = S.add("dckr_pat_" + c.rand(27, c.URLSAFE))
dockercfg = json.dumps({"auths": {"ghcr.io": {"username": "acme-bot", "password": reg_pw, "auth": S.add(c.basic("acme-bot", reg_pw))}}})
k8s_pull = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred"}, "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": S.add(b64(dockercfg))}}
tls_like = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "webhook-tls"}, "type": "kubernetes.io/tls",
            "data": {"tls.crt": b64("-----BEGIN CERTIFICATE-----\nMIIB" + "A" * 40 + "\n-----END CERTIFICATE-----\n")[:80],
                     "tls.key": S.add(b64(key))}}
configmap = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "billing-config"},
             "data": {"AUTH_PROVIDER": "okta", "TOKEN_COUNT": "0", "MAX_TOKENS": "4096", "PRIMARY_KEY": "user_id",
                      "SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-x1y2",
                      "MONGO_NO_AUTH": "mongodb://mongo.internal:27017", "JWT_LIB": "io.jsonwebtoken:jjwt-api:0.12.6"}}
deploy = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "billing-api"},
          "spec": {"template": {"spec": {"containers": [{
              "name": "api", "image": "ghcr.io/acme/billing-api:1.4.2",
              "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "billing-credentials", "key": "DB_PASSWORD"}}},
                      {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "billing-tokens", "key": "slack-token"}}},
                      {"name": "AUTH_METHOD", "value": "oidc"},
                      {"name": "PUSH_TOKEN", "value": S.add(c.rand(64, c.URLSAFE))},
                      {"name": "AWS_ROLE_SESSION_NAME", "value": "botocore-session-1795000000"}],
              "envFrom": [{"secretRef": {"name": "billing-credentials"}}, {"configMapRef": {"name": "billing-config"}}]}]}}}}
log.info("applying manifests:\n%s", yaml.safe_dump_all([k8s_secret, k8s_secret2, k8s_pull, tls_like, configmap, deploy],
                                                        sort_keys=False).rstrip("\n"))
log.debug("kubectl apply -f - <<< %s", json.dumps(k8s_secret))

# ---------------------------------------------------------------- helm values / CI / OpenAPI look-alikes
values = {"image": {"repository": "ghcr.io/acme/billing-api", "tag": "1.4.2", "pullSecrets": ["regcred"]},
          "auth": {"existingSecret": "billing-credentials", "secretKeys": {"passwordKey": "DB_PASSWORD", "apiKeyKey": "apiKey"},
                   "password": "", "token": None},
          "postgresql": {"auth": {"username": "billing", "password": S.add(c.password()), "postgresPassword": S.add(c.password()),
                                  "existingSecret": ""}}}
log.info("helm values (merged):\n%s", yaml.safe_dump(values, sort_keys=False).rstrip("\n"))
workflow = {"name": "deploy", "on": {"push": {"branches": ["main"]}},
            "jobs": {"deploy": {"runs-on": "ubuntu-latest", "steps": [
                {"uses": "docker/login-action@v3", "with": {"registry": "ghcr.io", "username": "${{ github.actor }}",
                                                            "password": "${{ secrets.GITHUB_TOKEN }}"}},
                {"run": "./deploy.sh", "env": {"DB_PASSWORD": "${{ secrets.DB_PASSWORD }}", "AUTH_PROVIDER": "okta"}}]}}}
log.info("workflow file:\n%s", yaml.safe_dump(workflow, sort_keys=False).rstrip("\n"))
openapi = {"components": {"securitySchemes": {
    "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "oauth2": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://auth.example.com/oauth/token",
                                                                 "scopes": {"read": "read access"}}}}}}}
log.info("openapi security:\n%s", yaml.safe_dump(openapi, sort_keys=False).rstrip("\n"))

# ---------------------------------------------------------------- Ruby to_yaml (Psych)
ruby_in = {"production": {"secret_key_base": S.add(uuid.uuid4().hex + uuid.uuid4().hex + "x1"),
                          "smtp_password": S.add(c.api_key("sendgrid")), "db_pass": S.add(c.nasty_password()),
                          "devise_pepper": S.add(c.rand(64)), "refresh": S.add(c.refresh_token()),
                          "sort_key": "id", "auth_method": "password", "password_reset_sent": False,
                          "note": "secret rotation scheduled"}}
rb = subprocess.run(["ruby", "-ryaml", "-rjson", "-e",
                     "h = JSON.parse(STDIN.read); h['production'][:api_key] = h['production'].delete('smtp_password'); "
                     "h['production'][:clientSecret] = h['production']['devise_pepper']; puts h.to_yaml; "
                     "puts({'password' => nil, 'token' => '', :api_key => '[FILTERED]'}.to_yaml)"],
                    input=json.dumps(ruby_in).encode(), stdout=subprocess.PIPE, check=True)
log.info("credentials.yml.enc (decrypted, Psych):\n%s", rb.stdout.decode().rstrip("\n"))
log.info("render complete: 6 manifests, 0 errors, token_count=0")
logfile.close()
S.save()
