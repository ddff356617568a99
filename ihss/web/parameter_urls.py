"""The program parameters' pages (state administrators)."""

from django.urls import path

from ihss.web import parameter_views as views

app_name = "parameters"

urlpatterns = [
    path("", views.parameter_list, name="list"),
    path("<slug:key>/", views.parameter_detail, name="detail"),
    path("<slug:key>/new/", views.parameter_schedule, name="schedule"),
]
