from django.urls import path

from ihss.cases import import_views, views

app_name = "cases"

urlpatterns = [
    path("recipients/", views.recipient_list, name="recipient-list"),
    path("recipients/new/", views.recipient_create, name="recipient-create"),
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/new/", views.provider_create, name="provider-create"),
    path("import/", import_views.import_upload, name="import"),
]
