"""sentry-sdk with debug=True pointed at a local HTTP endpoint; app errors carrying secrets."""
import logging, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration
from common import S, setup_logging, free_port

setup_logging()

class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}")

port = free_port()
httpd = ThreadingHTTPServer(("127.0.0.1", port), H)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
sentry_sdk.init(dsn=f"http://0123456789abcdef0123456789abcdef@127.0.0.1:{port}/42", debug=True,
                integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
                traces_sample_rate=1.0, send_default_pii=True)
log = logging.getLogger("app.payments")
for i in range(3):
    with sentry_sdk.start_transaction(name="charge", op="task"):
        sentry_sdk.set_user({"id": "user-4412", "email": "alice@example.com"})
        sentry_sdk.set_context("vendor", {"api_key": S["stripe_key"]})
        try:
            raise ConnectionError(f"POST https://api.stripe.com/v1/charges failed for key={S['stripe_key']}")
        except ConnectionError:
            log.exception("charge failed")
        sentry_sdk.capture_message(f"webhook signature mismatch using secret {S['webhook_secret']}")
sentry_sdk.flush(timeout=5)
httpd.shutdown()
