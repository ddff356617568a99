"""EVV pages: the phone side (ihss/evv/phone_views.py)."""

from django.urls import URLPattern, path

from ihss.evv import phone_views

urlpatterns: list[URLPattern] = [
    path("", phone_views.phone, name="phone"),
    path("shell/", phone_views.shell, name="shell"),
    path("sync/", phone_views.sync, name="sync"),
    path("sw.js", phone_views.service_worker, name="service-worker"),
    path("manifest.json", phone_views.manifest, name="manifest"),
]
