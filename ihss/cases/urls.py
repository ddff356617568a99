"""County staff screens for case records. Records are named by case or provider number."""

from django.urls import path

from ihss.cases import import_views, views

app_name = "cases"

urlpatterns = [
    path("recipients/", views.recipient_list, name="recipient-list"),
    path("recipients/new/", views.recipient_create, name="recipient-create"),
    path("recipients/<str:case_number>/", views.recipient_detail, name="recipient-detail"),
    path("recipients/<str:case_number>/edit/", views.recipient_edit, name="recipient-edit"),
    path("recipients/<str:case_number>/hours/", views.recipient_hours, name="recipient-hours"),
    path(
        "recipients/<str:case_number>/assignments/new/",
        views.assignment_create,
        name="assignment-create",
    ),
    path("assignments/<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment-end"),
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/new/", views.provider_create, name="provider-create"),
    path("providers/<str:provider_number>/", views.provider_detail, name="provider-detail"),
    path("providers/<str:provider_number>/edit/", views.provider_edit, name="provider-edit"),
    path(
        "providers/<str:provider_number>/exemptions/new/",
        views.exemption_create,
        name="exemption-create",
    ),
    path(
        "providers/<str:provider_number>/exemptions/<int:pk>/end/",
        views.exemption_end,
        name="exemption-end",
    ),
    path(
        "providers/<str:provider_number>/travel/new/",
        views.travel_create,
        name="travel-create",
    ),
    path(
        "providers/<str:provider_number>/travel/<int:pk>/end/",
        views.travel_end,
        name="travel-end",
    ),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_job, name="import-job"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import-progress"),
    path("import/<int:pk>/problems.csv", import_views.import_errors_csv, name="import-errors"),
    path("import/samples/<str:layout>.csv", import_views.import_sample, name="import-sample"),
]
