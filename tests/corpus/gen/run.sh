#!/usr/bin/env bash
# Regenerates every tests/corpus/NAME.log + NAME.labels.jsonl by really running the stacks.
# Needs: python3 (3.11), node 20 + npm, network access to PyPI and the npm registry, and these
# Debian packages: ruby ruby-rails ruby-rack-test ruby-webrick ruby-sinatra ruby-awesome-print
# (the rails stack); curl wget git jq make openssl openssh-client mariadb-client postgresql-client
# redis-tools awscli (the shell_ci stack); redis-server (the task_queues stack, installed below if missing);
# ldap-utils zip unzip p7zip-full apache2-utils smbclient mariadb-client sshpass (the shell_logins stack, installed
# below if missing; a docker CLI is used when present).
# g++ and make: npm ci builds better-sqlite3 and sqlite3 from source with node-gyp (the orm_params stack;
# their prebuilt binaries are downloaded from outside the registries, which fails, then they build).
# dovecot-imapd dovecot-pop3d (the mail_protocols stack, installed below if missing).
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PYTHON" -m venv .venv; fi
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
npm ci --no-audit --no-fund --loglevel=error
rm -rf out && mkdir -p out
PY=.venv/bin/python
echo "== boto3/botocore against moto_server";  $PY gen_boto3.py
echo "== pymongo against fake_mongod";         $PY gen_pymongo.py
echo "== django runserver";                    $PY gen_django.py
echo "== flask / werkzeug dev server";         $PY gen_flask.py
echo "== express + morgan + pino-http";        node gen_express.js > out/express.raw.log 2> out/express.stderr
echo "== pyjwt";                               $PY gen_jwt.py
echo "== pem keys + env dumps";                $PY gen_pem_env.py
echo "== rails 6.1 / sinatra / ruby logger";   for m in rails61 legacy ruby; do ruby gen_rails.rb $m; done
echo "== bash -x / make / CI step logs";     $PY gen_shell_ci.py
echo "== XML: botocore query APIs, zeep, config dumps"; $PY gen_xml.py
echo "== YAML dumps (PyYAML, Psych)";         $PY gen_yaml.py
echo "== boto3 nested DynamoDB items, text + JSON logs"; $PY gen_dynamodb_nested.py
echo "== JSON in JSON in JSON (pymongo, SNS->SQS, pino)"; $PY gen_json_nested.py
echo "== logger prefixes / credential talk";  $PY gen_logger_prefixes.py
# issue 11 stacks (data stores, prose, URL paths); need Debian's nginx-light and postgresql
if ! command -v /usr/sbin/nginx >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get install -y -q nginx-light postgresql >/dev/null
fi
echo "== dynamodb expressions/keys: boto3 + AWS SDK for JS v3 against moto_server";  $PY gen_ddb.py
echo "== aws response bodies: sts/iam/secretsmanager/ssm against moto_server";       $PY gen_aws_responses.py
echo "== django sql: runserver, db sessions, DRF tokens, password reset";           $PY gen_django_sql.py
echo "== sqlalchemy echo on sqlite + postgresql, postgresql server log";            $PY gen_sqlalchemy.py
echo "== pymongo duplicate keys against fake_mongod_idx";                           $PY gen_pymongo_errors.py
echo "== express + mongoose debug against fake_mongod_idx";                         $PY gen_mongoose.py
echo "== access logs: werkzeug, gunicorn, nginx, morgan";                           $PY gen_access_paths.py
echo "== prose in app logs (flask)";                                                $PY gen_prose.py
echo "== electrodb composite keys (.params() of real entities)";                    node gen_electrodb.js > out/electrodb.raw.log
echo "== dynamoose + dynamoose-logger against moto_server";                         $PY gen_dynamoose.py
echo "== cognito user pools through boto3 against moto_server";                  $PY gen_cognito.py
echo "== ANSI-coloured logs (structlog, loguru, rich, werkzeug, django, node, docker)"; $PY gen_ansi.py
echo "== validation errors echoing the input (fastapi/pydantic, marshmallow, django/drf, express-validator, joi, celebrate, zod, ajv, mongoose)"; $PY gen_validation.py
echo "== http clients' debug output and error dumps (requests/http.client, urllib, httpx, aiohttp, requests-oauthlib, authlib, axios, gaxios, got, fetch, octokit)"; $PY gen_http_clients.py
echo "== lambda functions under awslambdaric (powertools logger, api gateway/alb/dynamodb streams/sqs/sns/eventbridge/cognito events)"; $PY gen_lambda_events.py
echo "== tracebacks that print variable values (loguru diagnose, better-exceptions, capture_locals, rich show_locals, stackprinter, pytest -l)"; $PY gen_tracebacks.py
# the task_queues stack runs Debian's redis-server (on a free port, as a child of the generator)
if ! command -v redis-server >/dev/null; then
  apt-get install -y -q redis-server >/dev/null
fi
echo "== task queues: celery/rq/dramatiq workers against redis-server, bullmq + winston/bunyan, structlog in a job"; $PY gen_task_queues.py
# the shell_logins stack runs Debian's ldap-utils, zip/unzip, p7zip, htpasswd, smbclient, the MariaDB client and sshpass
if ! command -v ldapsearch >/dev/null || ! command -v 7z >/dev/null || ! command -v htpasswd >/dev/null \
   || ! command -v smbclient >/dev/null || ! command -v sshpass >/dev/null || ! command -v mysql >/dev/null \
   || ! command -v zip >/dev/null || ! command -v unzip >/dev/null; then
  apt-get update -q >/dev/null
  apt-get install -y -q ldap-utils zip unzip p7zip-full apache2-utils smbclient mariadb-client sshpass >/dev/null
fi
echo "== command-line logins under bash -x (ldap-utils, zip/7z, htpasswd, smbclient, mysql, sshpass, docker login)"; $PY gen_shell_logins.py
echo "== ORM query logs with bound parameters: peewee, TypeORM, Sequelize, knex on SQLite"; $PY gen_orm_params.py
# the mail_protocols stack runs Debian's dovecot (IMAP + POP3, on free ports, as a child of the generator)
if ! command -v dovecot >/dev/null || [ ! -x /usr/lib/dovecot/imap ] || [ ! -x /usr/lib/dovecot/pop3 ]; then
  apt-get install -y -q dovecot-imapd dovecot-pop3d >/dev/null
fi
echo "== mail protocols: smtplib against aiosmtpd, imaplib/poplib against dovecot, dovecot's auth debug log, Flask-Mail, Django"; $PY gen_mail_protocols.py
# the keycloak_admin stack's Node client is not in package.json (kept out of the lock file): installed
# beside gen/ in a throwaway prefix
if [ ! -f "${KC_NODE_PREFIX:=/tmp/kcnode}/node_modules/@keycloak/keycloak-admin-client/lib/index.js" ]; then
  npm install --silent --prefix "$KC_NODE_PREFIX" @keycloak/keycloak-admin-client@26.7.4 >/dev/null
fi
echo "== Keycloak admin/OIDC clients (python-keycloak, @keycloak/keycloak-admin-client, curl -v) against a stand-in server"
KC_ADMIN_CLIENT="$KC_NODE_PREFIX/node_modules/@keycloak/keycloak-admin-client/lib/index.js" $PY gen_keycloak_admin.py
echo "== AWS CLI v1 --debug and boto3 DEBUG on the query-protocol services (IAM, STS, RDS, CloudFormation, SNS, EC2; SQS) against moto_server"; $PY gen_aws_query_cli.py
echo "== KMS envelope encryption (Encrypt/Decrypt/GenerateDataKey) through boto3 DEBUG against moto_server"; $PY gen_kms.py
echo "== connection URIs with unescaped /, @, : in the password through pymongo, psycopg, redis-py, kombu, SQLAlchemy, node URL"; $PY gen_dsn_passwords.py
echo "== label + self-check"
$PY label.py boto3_dynamodb pymongo django flask express jwt pem_env rails shell_ci xml yaml dynamodb_nested json_nested logger_prefixes \
    ddb_expressions ddb_keys awssdk_js_dynamodb boto3_aws_responses django_sql sqlalchemy postgres \
    pymongo_errors mongoose access_paths prose electrodb dynamoose cognito ansi validation http_clients lambda_events tracebacks task_queues orm_params shell_logins mail_protocols keycloak_admin aws_query_cli kms dsn_passwords
