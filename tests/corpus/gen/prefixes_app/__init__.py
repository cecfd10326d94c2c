"""Flask app for the logger_prefixes corpus stack: modules named like credential keys (auth,
token_service, session, secrets_manager) log through Flask's default handler, whose format
`[%(asctime)s] %(levelname)s in %(module)s: %(message)s` puts the module name where a key could be."""
import json
import os

from flask import Flask, jsonify, request

from . import auth, secrets_manager, session, token_service

SECRETS = json.loads(os.environ["SCRUBD_PREFIX_SECRETS"])


def create_app():
    app = Flask("billing")
    app.logger.setLevel("DEBUG")

    @app.post("/login")
    def login():
        body = request.get_json(silent=True) or {}
        ok = auth.check_login(body)
        return jsonify(ok=ok, token_type="Bearer"), (200 if ok else 401)

    @app.get("/api/me")
    def me():
        hdr = request.headers.get("Authorization")
        if not hdr:
            auth.missing_header(request.path)
            return jsonify(error="unauthorized"), 401
        token_service.verify(hdr, request.headers.get("X-Partner-Key"))
        return jsonify(id=42, session_count=3)

    @app.post("/session/refresh")
    def refresh():
        session.refresh(request.get_json(silent=True) or {})
        return jsonify(ok=True)

    @app.post("/rotate")
    def rotate():
        secrets_manager.rotate(request.args.get("arn"), SECRETS)
        return jsonify(ok=True)

    return app
