#!/bin/bash
# Regenerates the web_extensions stack: fresh secrets, each app run for real, run.log and its
# labels (run.labels.jsonl). Copy them to tests/corpus/web_extensions.{log,labels.jsonl}.
# MOTO_SERVER names moto_server (scripts/test.sh builds one in target/moto-venv).
set -u
cd "$(dirname "$0")"
PY=./venv/bin/python
[ -x $PY ] || { python3 -m venv venv && ./venv/bin/pip install -q -r requirements.txt; }
rm -rf work derived.jsonl; mkdir -p work
$PY gen_secrets.py 4242
: > run.log
# 1. Django (test client, DEBUG=False, AdminEmailHandler -> console backend)
$PY django_app.py >> run.log 2>&1
# 2. Django ASGI under hypercorn, real HTTP
./venv/bin/hypercorn django_app:application -b 127.0.0.1:18090 --access-logfile - --error-logfile - \
   --access-logformat '%(h)s %(l)s %(t)s "%(R)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s' > work/hyper.log 2>&1 &
HP=$!
$PY hyper_client.py http://127.0.0.1:18090 >> work/client.log 2>&1
sleep 0.5; kill $HP; wait $HP 2>/dev/null
cat work/hyper.log work/client.log >> run.log
# 3. boto3 stream logger vs moto_server
${MOTO_SERVER:-moto_server} -p 15123 -H 127.0.0.1 > work/moto.log 2>&1 &
MP=$!
for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:15123/ && break; sleep 0.2; done
$PY aws_app.py http://127.0.0.1:15123 >> run.log 2>&1
kill $MP; wait $MP 2>/dev/null
cat work/moto.log >> run.log
# 4. Flask stack: test client, then waitress
$PY flask_app.py test >> run.log 2>&1
$PY flask_app.py waitress >> run.log 2>&1
# 5. pymongo vs a fake wire server + mongomock
timeout 120 $PY mongo_app.py >> run.log 2>&1
# 6. misc printers
$PY misc_app.py >> run.log 2>&1
$PY label.py
