"""Pages of second factors: give one at sign-in, add and remove them, recovery codes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp_webauthn.models import WebAuthnCredential

from ihss.accounts import second_factor
from ihss.accounts.factor_forms import AppCodeForm, RecoveryCodeForm
from ihss.accounts.http import AuthenticatedHttpRequest, safe_next
from ihss.accounts.models import AuthenticatorApp
from ihss.core import stepup

PENDING_APP_KEY = "ihss_pending_app"


@require_http_methods(["GET", "POST"])
def give(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: the code from the app, a passkey, or a recovery code."""
    user = request.user
    next_url = safe_next(request)
    if second_factor.still_owed(request) != second_factor.VERIFY:
        return redirect(next_url)
    factors = second_factor.factors_of(user)
    method = request.POST.get("method", "")
    app_form = AppCodeForm(request.POST if method == second_factor.APP else None)
    recovery_form = RecoveryCodeForm(request.POST if method == second_factor.RECOVERY else None)
    if request.method == "POST":
        form = app_form if method == second_factor.APP else recovery_form
        field = "code" if method == second_factor.APP else "recovery_code"
        if form.is_valid():
            until = second_factor.wait_until(user, method)
            if until is not None:
                form.add_error(field, second_factor.wait_message(until))
            else:
                device = second_factor.verify(request, user, method, form.cleaned_data[field])
                if device is not None:
                    second_factor.verified(request, device)
                    request.session.pop(second_factor.PENDING_KEY, None)
                    if method == second_factor.RECOVERY:
                        messages.warning(
                            request,
                            _(
                                "You used a recovery code. Each works once: make new codes "
                                "or add a new app or passkey if you lost yours."
                            ),
                        )
                    return redirect(next_url)
                if method == second_factor.APP:
                    form.add_error(
                        field,
                        _(
                            "That code did not work. Codes change every 30 seconds: enter "
                            "the one your app shows now. Each code works only once."
                        ),
                    )
                else:
                    form.add_error(
                        field, _("That recovery code did not work, or it was already used.")
                    )
    return render(
        request,
        "accounts/second_factor.html",
        {
            "factors": factors,
            "app_form": app_form,
            "recovery_form": recovery_form,
            "method": method,
            "next": next_url,
        },
    )


@require_http_methods(["GET"])
def factors(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's second factors, and how to add one; after a first passkey, its ten
    recovery codes, shown once."""
    codes = second_factor.first_recovery_codes(request, request.user)
    if codes:
        return _show_codes(request, codes, first=True)
    return render(
        request,
        "accounts/factors.html",
        {
            "factors": second_factor.factors_of(request.user),
            "required": second_factor.is_required(request.user),
            "enrolling": request.session.get(second_factor.PENDING_KEY) == second_factor.ENROLL,
            "confirmed": stepup.is_recent(request),
            "confirm_url": stepup.confirm_url(request.get_full_path()),
            "next": safe_next(request),
        },
    )


@stepup.recent_confirmation_required
@require_http_methods(["GET", "POST"])
def app_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Scan the QR code (or type the key), then type the first code to confirm."""
    user = request.user
    app = second_factor.pending_app(user, request.session.get(PENDING_APP_KEY))
    form = AppCodeForm(request.POST if request.method == "POST" and app else None)
    if app is None:
        app = second_factor.start_app(user)
        request.session[PENDING_APP_KEY] = app.pk
    elif request.method == "POST" and form.is_valid():
        until = second_factor.pending_app_wait_until(app)
        codes = (
            None if until else second_factor.confirm_app(request, app, form.cleaned_data["code"])
        )
        if until is not None:  # typed within the wait a wrong code started: say so
            form.add_error("code", second_factor.wait_message(until))
        elif codes is not None:
            request.session.pop(PENDING_APP_KEY, None)
            request.session.pop(second_factor.PENDING_KEY, None)
            if codes:
                return _show_codes(request, codes, first=True)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("accounts:factors")
        else:
            form.add_error(
                "code",
                _(
                    "That code did not match. Check that you scanned this page's QR code, and "
                    "enter the code your app shows now."
                ),
            )
    uri = second_factor.provisioning_uri(app)
    return render(
        request,
        "accounts/app_add.html",
        {
            "form": form,
            "qr": second_factor.qr_svg(uri),
            "secret": second_factor.grouped_secret(app.secret),
        },
    )


def _show_codes(
    request: AuthenticatedHttpRequest, codes: list[str], *, first: bool
) -> HttpResponse:
    response = render(request, "accounts/recovery_codes.html", {"codes": codes, "first": first})
    response["Cache-Control"] = "no-store"
    return response


@stepup.recent_confirmation_required
@require_POST
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Make ten new recovery codes (the old ones stop working) and show them once."""
    if not second_factor.factors_of(request.user).any:
        messages.error(request, _("Add an authenticator app or a passkey first."))
        return redirect("accounts:factors")
    return _show_codes(
        request, second_factor.make_recovery_codes(request, request.user), first=False
    )


@stepup.recent_confirmation_required
@require_http_methods(["GET", "POST"])
def remove(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask, then remove one authenticator app or passkey."""
    device: AuthenticatorApp | WebAuthnCredential | None
    if kind == "app":
        device = AuthenticatorApp.objects.filter(user=request.user, pk=pk, confirmed=True).first()
    elif kind == "passkey":
        device = WebAuthnCredential.objects.filter(user=request.user, pk=pk).first()
    else:
        device = None
    if device is None:
        raise Http404
    if request.method == "POST":
        try:
            second_factor.remove(request, request.user, device)
        except second_factor.LastFactorRequired:
            messages.error(
                request,
                _(
                    "Your role needs a second factor. Add another app or passkey before "
                    "removing this one."
                ),
            )
        else:
            messages.success(request, _("Removed."))
        return redirect("accounts:factors")
    return render(request, "accounts/factor_remove.html", {"device": device, "kind": kind})
