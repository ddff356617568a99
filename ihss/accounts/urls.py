from django.urls import path

from ihss.accounts import desk, views

app_name = "accounts"

urlpatterns = [
    path("security/", views.security, name="security"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("service-desk/", desk.account_search, name="desk-search"),
    path("service-desk/<int:pk>/", desk.account_detail, name="desk-account"),
]
