"""Account-level views that need no role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from ihss.accounts import lockout
from ihss.accounts.models import SecurityEvent


class SignInView(auth_views.LoginView):
    """Django's sign-in, behind the per-address throttle, recording each sign-in."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if lockout.address_is_throttled(request):
            SecurityEvent.objects.create(
                username=lockout.normalize(request.POST.get("username")),
                kind=SecurityEvent.Kind.THROTTLED,
                ip_address=lockout.client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            )
            return lockout.throttled_response(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        SecurityEvent.objects.create(
            user=user,
            username=lockout.normalize(user.get_username()),
            kind=SecurityEvent.Kind.SIGNED_IN,
            ip_address=lockout.client_ip(self.request),
            user_agent=self.request.META.get("HTTP_USER_AGENT", "")[:255],
        )
        return response


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
