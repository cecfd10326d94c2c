import logging

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.decorators import api_view
from rest_framework.response import Response

from djsql.shop.models import Order, Product

log = logging.getLogger("app.views")


@csrf_exempt
def signup(request):
    u = User.objects.create_user(request.POST["username"], request.POST["email"], request.POST["password"])
    log.info("created user id=%s username=%s", u.pk, u.username)
    return JsonResponse({"id": u.pk}, status=201)


def account(request):
    if not request.user.is_authenticated:
        return HttpResponse(status=302, headers={"Location": "/login/?next=/account/"})
    return JsonResponse({"id": request.user.pk, "username": request.user.username})


@api_view(["GET"])
def me(request):
    return Response({"id": request.user.pk, "username": request.user.username, "auth": type(request.auth).__name__})


@csrf_exempt
def orders(request):
    if request.method == "POST":
        o = Order.objects.create(user_id=int(request.POST["user_id"]), reference=request.POST["reference"],
                                 total_cents=int(request.POST["total_cents"]))
        return JsonResponse({"id": o.pk}, status=201)
    rows = list(Order.objects.filter(status="new").order_by("-created_at").values("id", "reference", "total_cents")[:5])
    return JsonResponse({"orders": rows})


def order_month(request, month):
    n = Order.objects.filter(reference__startswith="ORD-" + month).count()
    return JsonResponse({"month": month, "count": n})


def user_detail(request, pk):
    u = User.objects.filter(pk=pk).values("id", "username", "date_joined").first()
    return JsonResponse({"user": u and {"id": u["id"], "username": u["username"]}})


def products(request):
    p = list(Product.objects.filter(price_cents__lt=5000).values("sku", "name")[:10])
    return JsonResponse({"products": p})


urlpatterns = [
    path("signup/", signup),
    path("login/", auth_views.LoginView.as_view()),
    path("logout/", auth_views.LogoutView.as_view()),
    path("account/", account),
    path("password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("api/token/", obtain_auth_token),
    path("api/me/", me),
    path("orders/", orders),
    path("orders/<str:month>/", order_month),
    path("users/<int:pk>/", user_detail),
    path("products/", products),
]
