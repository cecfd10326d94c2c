#!/bin/bash
# Regenerates everything: random secrets -> run each real stack -> concatenate -> scrub -> measure.
set -u
cd "$(dirname "$0")"
export DEBUG_COLORS=0 NO_COLOR=1 FORCE_COLOR=0
rm -rf logs && mkdir -p logs
node gen_secrets.js
MOTO=${MOTO_SERVER:-moto_server}; PORT=${MOTO_PORT:-5124}
if ! curl -s -o /dev/null http://127.0.0.1:$PORT/; then $MOTO -H 127.0.0.1 -p $PORT > moto.out 2>&1 & MOTO_PID=$!; sleep 3; fi
export MOTO_URL=http://127.0.0.1:$PORT
run() { local name=$1; shift; echo "== $name" >&2; "$@" > logs/$name.log 2>&1 || echo "  ($name exit $?)" >&2; }
run axios        node scen/axios_clients.js
run got_sa_fetch node scen/got_superagent_fetch.mjs
run loggers      node scen/loggers.js
DEBUG='express:router,body-parser:*,passport*' DEBUG_HIDE_DATE=1 run express_passport node scen/express_passport.js
run jwt          node scen/jwt_errors.js
run dynamo       node scen/dynamo.mjs
run hapi         node scen/hapi.js
run typeorm      node scen/typeorm.js
[ -f scen/nest.mjs ] && run nest node scen/nest.mjs
[ -n "${MOTO_PID:-}" ] && kill $MOTO_PID
# concatenate, recording line ranges per source
: > holdout.log; : > sources.tsv; n=0
declare -A LIB=( [axios]="axios@1.21.1 (interceptors, AxiosError via console.error)" [got_sa_fetch]="got@14.6.6 hooks/RequestError, superagent@10.4.2, node-fetch@3.3.2" [loggers]="bunyan@2.0.5 stdSerializers, log4js@6.9.1, consola@3.4.2, signale@1.4.0, loglevel@1.9.2" [log4js-file]="log4js@6.9.1 file appender" [express_passport]="express@4.22.3 + morgan@1.12.1 + passport-oauth2@1.8.0 + debug@4.4.3 (body-parser)" [jwt]="jsonwebtoken@9.0.3, jose@6.2.19" [dynamo]="@aws-sdk/client-dynamodb+lib-dynamodb@3.1178.0 (middleware logger, errors) vs moto" [hapi]="@hapi/hapi@21.4.13 debug channels" [typeorm]="typeorm@1.1.3 + sql.js logging:all" [nest]="@nestjs/core@12.6.3 Logger/ValidationPipe/exception filter" )
for f in axios got_sa_fetch loggers log4js-file express_passport jwt dynamo hapi typeorm nest; do
  [ -f logs/$f.log ] || continue
  # strip ANSI colour codes the libs emit despite NO_COLOR
  sed -e 's/\x1b\[[0-9;]*m//g' logs/$f.log > logs/$f.clean
  c=$(wc -l < logs/$f.clean); printf '%s\t%d\t%d\t%s\n' "$f" $((n+1)) $((n+c)) "${LIB[$f]}" >> sources.tsv
  cat logs/$f.clean >> holdout.log; n=$((n+c)); rm logs/$f.clean
done
node collect_secrets.js
${SCRUBD:-scrubd} filter < holdout.log > holdout.scrubbed.log
node measure.js
