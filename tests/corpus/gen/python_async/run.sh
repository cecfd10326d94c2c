#!/bin/bash
# Regenerates everything: fresh secrets, run each stack, concatenate, scrub, measure.
set -u
cd "$(dirname "$0")"
PY=./venv/bin/python
[ -x $PY ] || { python3 -m venv venv && ./venv/bin/pip install -q -r requirements.txt; }
mkdir -p logs
$PY gen_secrets.py
PORT=$($PY -c 'from common import free_port; print(free_port())' 2>/dev/null || echo 5123)
${MOTO_SERVER:-moto_server} -H 127.0.0.1 -p $PORT > logs/moto.stderr 2>&1 &
MOTO=$!
for i in $(seq 30); do curl -s -o /dev/null http://127.0.0.1:$PORT/ && break; sleep 0.5; done
STACKS="aiohttp aws mongo oauth celery sentry"
for s in $STACKS; do
  echo "== $s"; MOTO_ENDPOINT=http://127.0.0.1:$PORT timeout 150 $PY stack_$s.py > logs/$s.log 2>&1; echo "rc=$?"
done
kill $MOTO
: > holdout.log; : > holdout.src
for s in $STACKS; do cat logs/$s.log >> holdout.log; n=$(wc -l < logs/$s.log); yes $s | head -n $n >> holdout.src; done
${SCRUBD:-scrubd} filter < holdout.log > holdout.scrubbed.log
$PY measure.py
