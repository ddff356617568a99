from django.urls import path

from ihss.accounts import confirm_views, desk, desk_factor, factor_views, token_views, views

app_name = "accounts"

urlpatterns = [
    path("security/", views.security, name="security"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("confirm/", confirm_views.confirm, name="confirm"),
    path("password/", views.password_change, name="password-change"),
    path("second-factor/", factor_views.factors, name="factors"),
    path("second-factor/check/", factor_views.give, name="second-factor"),
    path("second-factor/app/", factor_views.app_add, name="app-add"),
    path("second-factor/recovery-codes/", factor_views.recovery_codes, name="recovery-codes"),
    path(
        "second-factor/<str:kind>/<int:pk>/remove/",
        factor_views.remove,
        name="factor-remove",
    ),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/new/", token_views.token_create, name="token-create"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
    path("service-desk/", desk.account_search, name="desk-search"),
    path("service-desk/<int:pk>/", desk.account_detail, name="desk-account"),
    path(
        "service-desk/<int:pk>/second-factor/",
        desk_factor.factor_reset,
        name="desk-factor-reset",
    ),
    path("service-desk/<int:pk>/email/", desk_factor.email_correct, name="desk-email"),
    path(
        "second-factor-requests/",
        desk_factor.factor_requests,
        name="factor-requests",
    ),
    path(
        "second-factor-requests/<int:pk>/",
        desk_factor.factor_request,
        name="factor-request",
    ),
    path(
        "service-desk/<int:pk>/tokens/<int:token_pk>/revoke/",
        desk.token_revoke,
        name="desk-token-revoke",
    ),
]
