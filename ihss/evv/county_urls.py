"""EVV pages: the county side."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
