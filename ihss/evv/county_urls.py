"""EVV pages: the county side (compliance, visits, the aggregator export) and the
recipient's own visits."""

from django.urls import URLPattern, path

from ihss.evv import county_views as views

urlpatterns: list[URLPattern] = [
    path("county/", views.compliance_page, name="county-compliance"),
    path("county/compliance.csv", views.compliance_csv, name="county-compliance-csv"),
    path("county/visits/", views.visit_list, name="county-visits"),
    path("county/visits/<int:pk>/", views.visit_detail, name="county-visit"),
    path("county/exports/", views.export_start, name="county-exports"),
    path("county/exports/<int:pk>/", views.export_job, name="county-export"),
    path("county/exports/<int:pk>/progress/", views.export_progress, name="county-export-progress"),
    path("county/exports/<int:pk>/visits.csv", views.export_csv, name="county-export-csv"),
    path("county/exports/<int:pk>/visits.json", views.export_json, name="county-export-json"),
    path("recipient/visits/", views.recipient_visits, name="recipient-visits"),
]
