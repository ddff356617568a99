"""Styled error pages. They render without the database so they work when it is down."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


class NotFoundPageInDevelopment:
    """The portal's own 404 page under DEBUG too (`make run`), where Django would show its
    debug page listing every URL pattern: what a person trying the portal should see.
    SHOW_DEBUG_404=1 in the environment brings Django's page back for a developer.

    Outside DEBUG Django already calls handler404, and this does nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def _replaces(self) -> bool:
        return bool(settings.DEBUG) and not settings.SHOW_DEBUG_404

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or not self._replaces():
            return response
        try:  # an address that matches no route: Django answered with its debug page
            resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404 as exc:
            return page_not_found(request, exc)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view's own 404 (a record the person may not see, or that does not exist)."""
        if isinstance(exception, Http404) and self._replaces():
            return page_not_found(request, exception)
        return None
