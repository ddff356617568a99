"""'Confirm it is you' before a sensitive change: the password, or a code sent by email
or text (for people who signed in long ago, or whose password manager is elsewhere).

Five wrong tries in a session sign the person out: whoever is guessing is not them.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.mail import send_mail
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ihss.accounts.factor_forms import ConfirmCodeForm, ConfirmPasswordForm
from ihss.accounts.http import AuthenticatedHttpRequest, safe_next
from ihss.accounts.lockout import request_facts
from ihss.accounts.models import SecurityEvent
from ihss.core import stepup
from ihss.notifications import channels
from ihss.notifications.models import ContactSettings
from ihss.notifications.rules import display_us_mobile

CODE_KEY = "ihss_confirm_code"
FAILURES_KEY = "ihss_confirm_failures"
MAX_FAILURES = 5
CODE_LIFETIME = 10 * 60
RESEND_AFTER = 60
MAX_SENDS = 5


def _digest(user_id: int, code: str) -> str:
    return salted_hmac("ihss.accounts.confirm", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def _masked_email(address: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def _send_code(request: AuthenticatedHttpRequest, channel: str, mobile: str) -> str | None:
    """Send a new code; returns an error to show, or None when sent."""
    state = request.session.get(CODE_KEY) or {}
    now = time.time()
    if now - state.get("sent_at", 0) < RESEND_AFTER:
        return _("We just sent a code. Wait a minute before asking for another.")
    if state.get("sends", 0) >= MAX_SENDS:
        return _("We sent too many codes. Use your password, or sign out and in again.")
    code = f"{secrets.randbelow(10**6):06d}"
    user = request.user
    try:
        if channel == "text":
            channels.sms_backend().send(
                to=mobile,
                body=_("IHSS Portal: your confirmation code is %(code)s. It works for 10 minutes.")
                % {"code": code},
                reference=f"ihss-confirm-{user.pk}-{int(now)}",
            )
        else:
            send_mail(
                subject=_("Your IHSS Portal confirmation code"),
                message=render_to_string("accounts/confirm_code_email.txt", {"code": code}),
                from_email=None,
                recipient_list=[user.email],
            )
    except (channels.TemporaryFailure, channels.PermanentFailure, OSError):
        return _("We could not send the code just now. Use your password, or try again later.")
    request.session[CODE_KEY] = {
        "digest": _digest(user.pk, code),
        "expires": now + CODE_LIFETIME,
        "sent_at": now,
        "sends": state.get("sends", 0) + 1,
        "channel": channel,
    }
    return None


def count_wrong_confirmation(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """Count a wrong try; after five, sign out. Returns the response when signed out."""
    SecurityEvent.about(
        request.user,
        SecurityEvent.Kind.STEP_UP_FAILED,
        **request_facts(request),
    )
    failures = request.session.get(FAILURES_KEY, 0) + 1
    request.session[FAILURES_KEY] = failures
    if failures < MAX_FAILURES:
        return None
    logout(request)
    messages.error(request, _("For your safety you were signed out after 5 wrong tries."))
    return redirect("login")


def _confirmed(request: AuthenticatedHttpRequest, next_url: str) -> HttpResponse:
    stepup.mark_confirmed(request)
    request.session.pop(FAILURES_KEY, None)
    request.session.pop(CODE_KEY, None)
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    next_url = safe_next(request)
    contact = ContactSettings.objects.filter(user=user).first()
    mobile = contact.mobile_number if contact and contact.mobile_verified else ""
    action = request.POST.get("action", "")
    password_form = ConfirmPasswordForm(
        request.POST if action == "password" else None, user=user, prefix="pw"
    )
    code_form = ConfirmCodeForm(request.POST if action == "code" else None, prefix="otc")
    if request.method == "POST":
        if action == "password":
            if password_form.is_valid():
                return _confirmed(request, next_url)
            if "password" in password_form.errors and password_form.data.get("pw-password"):
                signed_out = count_wrong_confirmation(request)
                if signed_out:
                    return signed_out
        elif action in ("email", "text"):
            if action == "text" and not mobile:
                action = "email"
            error = _send_code(request, action, mobile)
            if error:
                messages.error(request, error)
            elif action == "text":
                messages.success(
                    request,
                    _("We texted a 6-digit code to %(number)s.")
                    % {"number": display_us_mobile(mobile)},
                )
            else:
                messages.success(
                    request,
                    _("We emailed a 6-digit code to %(address)s.")
                    % {"address": _masked_email(user.email)},
                )
        elif action == "code" and code_form.is_valid():
            state = request.session.get(CODE_KEY) or {}
            typed = "".join(code_form.cleaned_data["code"].split())
            if (
                state
                and time.time() <= state["expires"]
                and constant_time_compare(state["digest"], _digest(user.pk, typed))
            ):
                return _confirmed(request, next_url)
            code_form.add_error(
                "code",
                _("That code did not work, or it is more than 10 minutes old. Ask for a new one.")
                if state
                else _("Ask for a code first."),
            )
            signed_out = count_wrong_confirmation(request)
            if signed_out:
                return signed_out
    return render(
        request,
        "accounts/confirm.html",
        {
            "password_form": password_form,
            "code_form": code_form,
            "code_sent": bool(request.session.get(CODE_KEY)),
            "mobile": display_us_mobile(mobile) if mobile else "",
            "email": _masked_email(user.email) if user.email else "",
            "next": next_url,
            "minutes": settings.STEP_UP_SECONDS // 60,
        },
    )
