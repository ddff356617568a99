from django.urls import path

from ihss.accounts import desk, token_views, views

app_name = "accounts"

urlpatterns = [
    path("security/", views.security, name="security"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("tokens/", token_views.token_list, name="tokens"),
    path("tokens/new/", token_views.token_create, name="token-create"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
    path("service-desk/", desk.account_search, name="desk-search"),
    path("service-desk/<int:pk>/", desk.account_detail, name="desk-account"),
    path(
        "service-desk/<int:pk>/tokens/<int:token_pk>/revoke/",
        desk.token_revoke,
        name="desk-token-revoke",
    ),
]
