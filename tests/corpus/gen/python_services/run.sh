#!/usr/bin/env bash
# Regenerates tests/corpus/python_services.log + .labels.jsonl: Python services really run against
# local servers (a held-out run of 2026-12-06, written without reading scrubd's rules): Flask,
# FastAPI under uvicorn at trace, gunicorn, Django, requests/urllib3/http.client debug, httpx,
# PynamoDB/boto3 against moto_server, pymongo/mongoengine against gen/fake_mongod.py, structlog,
# loguru, rich, python-json-logger, SQLAlchemy. Needs python3 and PyPI.
# Usage: run.sh [SCRUBD]   (SCRUBD, default target/release/scrubd, scores the run)
set -euo pipefail
cd "$(dirname "$0")"
SCRUB=${1:-../../../../target/release/scrubd}
PY=./venv/bin/python
if [ ! -x "$PY" ]; then python3 -m venv venv; fi
./venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
rm -f secrets_extra.txt logs/*.log; mkdir -p logs
$PY -c "import sys; sys.path.insert(0,'gen'); import secrets_lib; secrets_lib.generate()"
S="requests dynamo aws_extra httpx_uvicorn mongo structured django gunicorn more more2"
for s in $S; do timeout 180 $PY "gen/s_$s.py" > "logs/$s.log" 2>&1 || echo "scenario $s exited $?" >&2; done
: > holdout.log; : > holdout.src
for s in $S; do
  sed -e '$a\' "logs/$s.log" >> holdout.log
  n=$(wc -l < "logs/$s.log"); yes "$s" | head -n "$n" >> holdout.src
done
"$SCRUB" filter < holdout.log > scrubbed.log
$PY gen/evaluate.py holdout.log holdout.src scrubbed.log | head -40
$PY label.py . ../../python_services.labels.jsonl
cp holdout.log ../../python_services.log
