"""FastAPI + pydantic v2 app for gen_validation.py, served by uvicorn (`python validation_app.py PORT`).

Request bodies, query parameters and headers that fail validation; the app logs the
RequestValidationError the ways apps do (its str(), the one-line variant from the well-known
FastAPI issue snippet, exc.errors(), a JSON event with jsonable_encoder(exc.errors())) and then
answers with FastAPI's default handler; a middleware logs the body of every 4xx response. An
endpoint validates a provider config itself and logs str(ValidationError) (pydantic's multi-line
format) / logger.exception / e.json(); one returns a token dict that fails its response_model, so
uvicorn logs FastAPI's ResponseValidationError under "Exception in ASGI application".
"""
import itertools
import json
import logging
import os
import sys
from typing import Annotated, Literal, Optional

import uvicorn
from fastapi import FastAPI, Header, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                    format="%(asctime)s %(levelname)s [%(name)s] %(message)s")
log = logging.getLogger("api")
ISSUED = json.loads(os.environ.get("SCRUBD_ISSUED", "[]"))

app = FastAPI(title="accounts")
SENSITIVE = {"password", "client_secret", "api_key", "refresh_token", "remember_token", "webhook_secret", "new_password",
             "current_password"}


def redact(body):
    if isinstance(body, dict):
        return {k: "[REDACTED]" if k in SENSITIVE else redact(v) for k, v in body.items()}
    return body


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=3, max_length=32)
    password: str = Field(min_length=12, max_length=128)


class SignupIn(BaseModel):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    username: str = Field(pattern=r"^[a-z0-9_]{3,32}$")
    password: str = Field(min_length=12, max_length=128)
    age: Optional[int] = Field(default=None, ge=13)


class ClientCredentials(BaseModel):
    client_id: str
    client_secret: str = Field(min_length=40, pattern=r"^cs_[A-Za-z0-9_-]+$")


class TokenIn(BaseModel):
    grant_type: Literal["client_credentials", "refresh_token"]
    refresh_token: Optional[str] = Field(default=None, pattern=r"^rt_[A-Za-z0-9_-]{40,}$")
    credentials: ClientCredentials


class BillingKeysIn(BaseModel):
    api_key: str = Field(pattern=r"^sk_test_[A-Za-z0-9]{24}$")
    webhook_secret: str = Field(pattern=r"^whsec_[A-Za-z0-9]{32}$")


class PasswordChange(BaseModel):
    current_password: SecretStr
    new_password: SecretStr = Field(min_length=12)


class ProviderConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_url: str = Field(pattern=r"^https://")
    api_key: str = Field(min_length=20, pattern=r"^ak_live_[A-Za-z0-9]{32}$")
    timeout_s: int = Field(default=10, le=60)


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


_style = itertools.count()


@app.exception_handler(RequestValidationError)
async def on_validation_error(request: Request, exc: RequestValidationError):
    k = next(_style) % 4
    if k == 0:
        log.warning("%s %s -> 422: %s", request.method, request.url.path, exc)
    elif k == 1:
        # the snippet from fastapi/fastapi#3361, copied into many apps
        exc_str = f"{exc}".replace("\n", " ").replace("   ", " ")
        logging.getLogger("uvicorn.error").error(f"{request.method} {request.url.path}: {exc_str}")
    elif k == 2:
        log.warning("validation errors on %s: %s", request.url.path, exc.errors())
    else:
        log.warning(json.dumps({"event": "request_validation_failed", "path": request.url.path,
                                "errors": jsonable_encoder(exc.errors()), "body": redact(exc.body)}))
    return await request_validation_exception_handler(request, exc)


@app.middleware("http")
async def log_client_errors(request: Request, call_next):
    resp = await call_next(request)
    if 400 <= resp.status_code < 500 and request.url.path != "/auth/signup":
        body = b"".join([chunk async for chunk in resp.body_iterator])
        log.info("response %d %s %s body=%s", resp.status_code, request.method, request.url.path, body.decode())
        from starlette.responses import Response
        return Response(content=body, status_code=resp.status_code, headers=dict(resp.headers))
    return resp


@app.post("/auth/login")
def login(body: LoginIn):
    return {"ok": True}


@app.post("/auth/signup", status_code=201)
def signup(body: SignupIn):
    log.info("signup ok username=%s password=%s", body.username, "[REDACTED]")
    return {"id": 42}


@app.post("/oauth/token")
def token(body: TokenIn):
    return {"ok": True}


@app.post("/billing/keys")
def billing_keys(body: BillingKeysIn):
    return {"ok": True}


@app.get("/v1/search")
def search(api_key: Annotated[str, Query(pattern=r"^ak_live_[A-Za-z0-9]{32}$")], q: str = "", page: int = 1):
    return {"results": []}


@app.get("/v1/me")
def me(x_api_key: Annotated[str, Header(min_length=40)]):
    return {"id": 42}


@app.post("/account/password")
def change_password(body: PasswordChange):
    log.info("password change requested: %r", body)
    log.info("password change payload: %s", body.model_dump_json())
    return {"ok": True}


@app.post("/integrations/{provider}")
async def integration(provider: str, request: Request, log_as: str = "str"):
    payload = await request.json()
    try:
        cfg = ProviderConfig.model_validate(payload)
    except ValidationError as e:
        if log_as == "str":
            log.error("invalid %s config:\n%s", provider, e)
        elif log_as == "exception":
            log.exception("could not load %s integration", provider)
        else:
            log.error("invalid %s config: %s", provider, e.json())
        return {"ok": False}
    log.info("%s integration saved: base_url=%s timeout_s=%d", provider, cfg.base_url, cfg.timeout_s)
    return {"ok": True}


@app.get("/oauth/token-info", response_model=TokenOut)
def token_info(user: int):
    # the issuer's reply lacks expires_in: FastAPI's response validation fails (500)
    t = ISSUED.pop(0)
    return {"access_token": t["access"], "refresh_token": t["refresh"], "token_type": "Bearer"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
