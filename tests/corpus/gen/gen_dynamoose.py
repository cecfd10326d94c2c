"""Dynamoose 4 with dynamoose-logger against a real moto_server: runs gen_dynamoose.js and
captures its stdout and stderr as out/dynamoose.raw.log (the secrets file is the JS side's)."""
import os
import subprocess

import common as c

with c.moto_server("dynamoose") as endpoint:
    env = dict(os.environ, DDB_ENDPOINT=endpoint, NODE_NO_WARNINGS="1")
    with open(os.path.join(c.OUT, "dynamoose.raw.log"), "w") as out:
        subprocess.run(["node", "gen_dynamoose.js"], cwd=c.HERE, env=env, stdout=out,
                       stderr=subprocess.STDOUT, check=True)
