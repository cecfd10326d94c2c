"""Dynamoose 4 with dynamoose-logger against a real moto_server: runs gen_dynamoose.js and
captures its stdout and stderr as out/dynamoose.raw.log (the secrets file is the JS side's)."""
import os
import subprocess
import sys
import time
import urllib.request

import common as c

port = c.free_port()
endpoint = "http://127.0.0.1:%d" % port
moto_log = open(os.path.join(c.OUT, "moto_server_dynamoose.stderr"), "w")
server = subprocess.Popen(
    [os.path.join(os.path.dirname(sys.executable), "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
    stdout=moto_log, stderr=subprocess.STDOUT,
)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            break
        except Exception:
            time.sleep(0.2)
    env = dict(os.environ, DDB_ENDPOINT=endpoint, NODE_NO_WARNINGS="1")
    with open(os.path.join(c.OUT, "dynamoose.raw.log"), "w") as out:
        subprocess.run(["node", "gen_dynamoose.js"], cwd=c.HERE, env=env, stdout=out,
                       stderr=subprocess.STDOUT, check=True)
finally:
    server.terminate()
    server.wait()
