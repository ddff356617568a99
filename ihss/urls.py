"""URLs of the portal. Every view needs sign-in unless marked @login_not_required."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ihss.accounts import password_views, recover_views, register_views
from ihss.accounts import views as accounts_views
from ihss.api import api_urls
from ihss.web import errors

urlpatterns = [
    path("sign-in/", accounts_views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("recover/username/", recover_views.recover_username, name="recover-username"),
    path("recover/password/", recover_views.recover_password, name="recover-password"),
    path(
        "recover/password/<str:uidb64>/<str:token>/",
        recover_views.recover_reset,
        name="recover-reset",
    ),
    path("register/", register_views.register, name="register"),
    path("register/account/", register_views.register_account, name="register-account"),
    path("register/sent/", register_views.register_sent, name="register-sent"),
    path(
        "register/confirm/<str:uidb64>/<str:token>/",
        register_views.verify,
        name="register-verify",
    ),
    path("password-check/", password_views.password_check, name="password-check"),
    path("language/", accounts_views.set_language, name="set_language"),
    path("cases/", include("ihss.cases.urls")),
    path("messages/", include("ihss.notifications.urls")),
    path("timesheets/", include("ihss.timesheets.urls")),
    path("pay/", include("ihss.payroll.urls")),
    path("training/", include("ihss.training.urls")),
    path("evv/", include("ihss.evv.urls")),
    path("parameters/", include("ihss.web.parameter_urls")),
    path("accounts/", include("ihss.accounts.urls")),
    path("passkeys/", include("ihss.accounts.passkeys")),
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
    path("", include("ihss.web.urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
