"""EVV pages: the phone side."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
