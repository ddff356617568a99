"""County staff screens for case records (being built: see issue 3)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def recipient_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/recipient_list.html")


def recipient_create(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/recipient_list.html")


def provider_list(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/recipient_list.html")


def provider_create(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/recipient_list.html")
