"""Account-level views that need no role."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language, and remember it on the account of a signed-in person."""
    response = django_set_language(request)
    code = request.POST.get("language", "")
    if (
        request.user.is_authenticated
        and code in dict(settings.LANGUAGES)
        and request.user.preferred_language != code
    ):
        request.user.preferred_language = code
        request.user.save(update_fields=["preferred_language"])
    return response
