import json, logging, socket, sys

S = json.load(open("/tmp/holdout3-py/secrets.json"))["secrets"]


def setup_logging(fmt="%(asctime)s %(levelname)s %(name)s: %(message)s"):
    logging.basicConfig(level=logging.DEBUG, format=fmt, stream=sys.stderr)
    # covered elsewhere; keep noise down
    for n in ("urllib3", "asyncio"):
        logging.getLogger(n).setLevel(logging.WARNING)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p
