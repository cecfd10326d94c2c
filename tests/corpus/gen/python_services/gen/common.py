import logging, os, sys, socket
sys.path.insert(0, os.path.dirname(__file__))
import secrets_lib
EXTRA = os.path.join(os.path.dirname(__file__), '..', 'secrets_extra.txt')
def add_extra(v):
    if v:
        with open(EXTRA, 'a') as f: f.write(v + '\n')
def setup_logging(fmt='%(asctime)s %(levelname)s %(name)s: %(message)s', level=logging.DEBUG):
    logging.basicConfig(level=level, format=fmt, stream=sys.stderr, force=True)
def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p
def track_cookies():
    """Record every cookie value the servers set, so the evaluator knows them as secrets (not logged itself)."""
    import requests
    orig = requests.Session.send
    def send(self, req, **kw):
        r = orig(self, req, **kw)
        for hist in list(r.history) + [r]:
            for c in hist.cookies: add_extra(c.value)
        return r
    requests.Session.send = send
