from django.urls import path

from ihss.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("provider/", views.provider_home, name="provider-home"),
    path("recipient/", views.recipient_home, name="recipient-home"),
    path("county/", views.county_home, name="county-home"),
    path("training-provider/", views.training_provider_home, name="training-provider-home"),
    path("coach/", views.coach_home, name="coach-home"),
    path("service-desk/", views.service_desk_home, name="service-desk-home"),
    path("state/", views.state_home, name="state-home"),
]
