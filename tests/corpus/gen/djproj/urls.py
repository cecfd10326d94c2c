import logging
import uuid

from django.http import HttpResponse, JsonResponse
from django.urls import path

log = logging.getLogger("app.views")


def items(request):
    log.info("list items params=%s user_agent=%s", request.GET, request.META.get("HTTP_USER_AGENT"))
    return JsonResponse({"items": [], "next": None})


def me(request):
    log.debug("request.META: %s", request.META)
    if "HTTP_AUTHORIZATION" not in request.META:
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    return JsonResponse({"id": 42, "username": "alice"})


def login(request):
    log.debug("login POST data: %r", request.POST)
    log.info("login attempt for %s", request.POST.get("username"))
    return JsonResponse({"ok": True})


def webhook(request):
    log.debug("webhook headers: %s", dict(request.headers))
    log.info("webhook body: %s", request.body.decode())
    return HttpResponse(status=204)


def reset(request):
    uid = request.GET.get("uid", "0")
    log.info("password reset email sent to %s", uid)
    return JsonResponse({"token": None, "sent": True})


def health(request):
    return HttpResponse("ok")


def boom(request):
    log.info("processing export job_id=%s", uuid.uuid4())
    raise RuntimeError("export backend unavailable (retry_after=30)")


urlpatterns = [
    path("api/items", items),
    path("api/me", me),
    path("accounts/login", login),
    path("hooks/stripe", webhook),
    path("accounts/password-reset", reset),
    path("healthz", health),
    path("api/export", boom),
]
