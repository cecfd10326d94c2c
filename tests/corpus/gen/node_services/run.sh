#!/usr/bin/env bash
# Regenerates tests/corpus/node_services.log + .labels.jsonl: Node services really run against
# local servers (a held-out run of 2026-12-06, written without reading scrubd's rules). Needs
# node 20 + npm (the npm registry), and a venv with moto[server] for DynamoDB.
# Usage: run.sh [SCRUBD]   (SCRUBD, default target/release/scrubd, scores the run: evaluate.py)
set -euo pipefail
cd "$(dirname "$0")"
SCRUB=${1:-../../../../target/release/scrubd}
npm ci --no-audit --no-fund --loglevel=error
if [ ! -x venv/bin/moto_server ]; then python3 -m venv venv && venv/bin/pip install -q "moto[server]"; fi
node secrets.js; rm -f derived.jsonl
rm -rf parts; mkdir parts
PORT=$(python3 -c "import socket;s=socket.socket();s.bind((\"127.0.0.1\",0));print(s.getsockname()[1])")
venv/bin/moto_server -H 127.0.0.1 -p "$PORT" > parts/moto.server.log 2>&1 & MOTO_PID=$!
trap 'kill $MOTO_PID 2>/dev/null' EXIT
for i in $(seq 1 30); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
run() { local name=$1; shift; echo "== $name" >&2; env "$@" timeout 90 node "gen_$name.js" > "parts/$name.log" 2>&1 || echo "   ($name exited $?)" >&2; }
run fastify
run koa
run express DEBUG='express-session,passport*'
run http NODE_DEBUG=http,fetch
run mongo MONGODB_LOG_ALL=debug MONGODB_LOG_PATH=stdout
run dynamo MOTO_URL="http://127.0.0.1:$PORT" AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1
run extra MOTO_URL="http://127.0.0.1:$PORT" DEBUG=ioredis:redis AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1
run extra2 DEBUG=
run extra3 MOTO_URL="http://127.0.0.1:$PORT" AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1
run misc DEBUG='ioredis:*'
: > holdout.log
for n in fastify koa express http mongo dynamo misc extra extra2 extra3; do cat "parts/$n.log" >> holdout.log; done
"$SCRUB" filter < holdout.log > holdout.scrubbed.log
python3 evaluate.py
python3 label.py . ../../node_services.labels.jsonl
cp holdout.log ../../node_services.log
