"""The program parameters' pages (state administrators)."""

from django.urls import path

from ihss.core import views

app_name = "core"

urlpatterns = [
    path("", views.parameter_list, name="parameters"),
    path("<slug:key>/", views.parameter_detail, name="parameter"),
    path("<slug:key>/new/", views.parameter_schedule, name="parameter-schedule"),
]
