"""Runs gen_mongoose.js (Express + mongoose debug) against fake_mongod_idx; captures its stdout+stderr."""
import os
import subprocess

import common as c
from fake_mongod_idx import FakeMongodIdx

server = FakeMongodIdx().start()
try:
    env = dict(os.environ, MONGO_URL="mongodb://127.0.0.1:%d/app?directConnection=true" % server.port)
    with open(c.raw_path("mongoose"), "wb") as out:
        subprocess.run(["node", "gen_mongoose.js"], cwd=c.HERE, env=env, stdout=out, stderr=subprocess.STDOUT, check=True, timeout=120)
finally:
    server.stop()
