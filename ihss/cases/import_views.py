"""Bulk import upload page (being built: see issue 3)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def import_upload(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/recipient_list.html")
