"""Passkeys (WebAuthn), through django-otp-webauthn's endpoints with the portal's rules.

Adding a passkey is a sensitive change: it needs a recent confirmation, like the other
second factors, and is recorded and told to the person. Passkeys are a second factor
after the password here, never a way to skip it (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.models import WebAuthnCredential

from ihss.accounts import second_factor
from ihss.core import stepup


class ConfirmFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "confirm_first"
    default_detail = _("Confirm it is you first: reload this page and enter your password.")


class _ConfirmedRegistration:
    request: Any

    def check_can_register(self) -> None:
        if not stepup.is_recent(self.request):
            raise ConfirmFirst()


class BeginRegistration(_ConfirmedRegistration, views.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_ConfirmedRegistration, views.CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            pk = json.loads(response.content)["id"]
            credential = WebAuthnCredential.objects.get(pk=pk, user=self.request.user)
            second_factor.passkey_added(self.request, credential)
        return response


class CompleteAuthentication(views.CompleteCredentialAuthenticationView):
    """The passkey given after the password: as the code from an app, under a new
    session id (second_factor.new_session_id)."""

    def complete_auth(self, device: Any) -> Any:
        result = super().complete_auth(device)
        second_factor.new_session_id(self.request)
        return result


app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
