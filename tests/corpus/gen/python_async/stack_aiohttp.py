"""aiohttp server (access logs, middleware, error handler) + aiohttp client with TraceConfig."""
import asyncio, logging, json
from urllib.parse import quote
import aiohttp
from aiohttp import web
from common import S, setup_logging, free_port

setup_logging()
log = logging.getLogger("app.http")


@web.middleware
async def debug_mw(request, handler):
    log.debug("incoming %s %s headers=%s", request.method, request.rel_url, dict(request.headers))
    log.debug("cookies=%s query=%s", dict(request.cookies), dict(request.query))
    if request.can_read_body:
        body = await request.text()
        log.debug("body=%s", body)
    return await handler(request)


async def login(request):
    data = await request.json()
    log.info("login attempt user=%s", data.get("username"))
    resp = web.json_response({"access_token": S["jwt_user"], "refresh_token": S["oauth_refresh_token"],
                              "token_type": "Bearer", "expires_in": 3600})
    resp.set_cookie("session", S["session_cookie"], httponly=True)
    resp.set_cookie("csrftoken", S["csrf_token"])
    return resp


async def items(request):
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        raise web.HTTPUnauthorized(text="missing bearer")
    return web.json_response({"items": [1, 2, 3], "owner": "user-4412"})


async def boom(request):
    key = request.query.get("api_key")
    raise RuntimeError(f"upstream rejected key {key} for tenant acme")


async def webhook(request):
    sig = request.headers.get("Stripe-Signature")
    raise web.HTTPBadRequest(text=f"bad signature {sig}; expected secret {S['webhook_secret']}")


async def main():
    app = web.Application(middlewares=[debug_mw])
    app.router.add_post("/login", login)
    app.router.add_get("/items", items)
    app.router.add_get("/boom", boom)
    app.router.add_post("/webhook", webhook)
    port = free_port()
    runner = web.AppRunner(
        app,
        access_log_format='%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i" auth="%{Authorization}i" cookie="%{Cookie}i" %Tf',
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()

    # second runner with aiohttp default access log format
    runner2 = web.AppRunner(app)
    await runner2.setup()
    port2 = free_port()
    await web.TCPSite(runner2, "127.0.0.1", port2).start()

    tlog = logging.getLogger("app.client.trace")

    async def on_start(session, ctx, params):
        tlog.debug("-> %s %s headers=%s", params.method, params.url, params.headers)

    async def on_headers_sent(session, ctx, params):
        tlog.debug("sent headers %r", params.headers)

    async def on_end(session, ctx, params):
        tlog.debug("<- %s %s %s resp_headers=%s", params.response.status, params.method, params.url,
                   params.response.headers)

    async def on_exc(session, ctx, params):
        tlog.debug("!! %s %s exc=%r", params.method, params.url, params.exception)

    tc = aiohttp.TraceConfig()
    tc.on_request_start.append(on_start)
    tc.on_request_headers_sent.append(on_headers_sent)
    tc.on_request_end.append(on_end)
    tc.on_request_exception.append(on_exc)

    for base in (f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port2}"):
        async with aiohttp.ClientSession(trace_configs=[tc], cookie_jar=aiohttp.CookieJar(unsafe=True)) as sess:
            for i in range(3):
                async with sess.post(base + "/login", json={"username": "alice", "password": S["user_password"]}) as r:
                    body = await r.json()
                    log.info("login ok status=%s cookies=%s", r.status, sess.cookie_jar.filter_cookies(base))
                async with sess.get(base + "/items", headers={"Authorization": f"Bearer {body['access_token']}"}) as r:
                    await r.read()
                async with sess.get(base + "/items", headers={"Authorization": f"Bearer {S['bearer_opaque']}",
                                                              "X-Api-Key": S["openai_key"]}) as r:
                    await r.read()
                async with sess.get(base + "/items", auth=aiohttp.BasicAuth("svc-reporter", S["user_password"])) as r:
                    try:
                        r.raise_for_status()
                    except aiohttp.ClientResponseError as e:
                        log.warning("request failed: %s", e)
                        log.debug("request_info=%r", e.request_info)
                for k in ("stripe_key", "google_api_key", "opaque_hex_key"):
                    async with sess.get(base + "/boom", params={"api_key": S[k], "page": str(i)}) as r:
                        try:
                            r.raise_for_status()
                        except aiohttp.ClientResponseError as e:
                            log.error("upstream error: %r", e)
                async with sess.post(base + "/webhook", data=f"payload-{i}",
                                     headers={"Stripe-Signature": f"t=1700000000,v1={S['twilio_key']}"}) as r:
                    log.info("webhook status=%s body=%s", r.status, await r.text())
            # unreachable host with credentials in URL
            try:
                async with sess.get(f"http://alice:{quote(S['admin_password'], safe='')}@127.0.0.1:1/admin?token={S['github_pat']}",
                                    timeout=aiohttp.ClientTimeout(total=2)) as r:
                    pass
            except Exception as e:
                log.exception("connect failed: %s", e)
    await runner.cleanup()
    await runner2.cleanup()


asyncio.run(main())
