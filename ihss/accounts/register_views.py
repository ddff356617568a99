"""Registration pages: match the person to their record, create the account, confirm email."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ihss.accounts import lockout, registration, services
from ihss.accounts.forms import USERNAME_TAKEN, AccountForm, IdentityForm
from ihss.accounts.models import SecurityEvent, User
from ihss.accounts.password_views import offer_meter, withdraw_meter
from ihss.cases.models import Provider, Recipient
from ihss.notifications.events import Event
from ihss.notifications.services import notify

SESSION_KEY = "registration"


def _matched(request: HttpRequest) -> tuple[Provider | Recipient, bool] | None:
    saved = request.session.get(SESSION_KEY)
    if not saved:
        return None
    model = Provider if saved["kind"] == registration.PROVIDER else Recipient
    record = model.objects.filter(pk=saved["id"]).first()
    return (record, bool(saved["representative"])) if record else None


@login_not_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Step 1: the provider or case number, last name, date of birth and SSN's last four."""
    if request.user.is_authenticated:
        return redirect("home")
    form = IdentityForm(request.POST or None)
    ip = lockout.client_ip(request)
    if request.method == "POST":
        if registration.too_many_attempts(ip):
            reason = _(
                "There were too many registration attempts from your network. Try again in an hour."
            )
            return render(request, "registration/wait.html", {"reason": reason}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            identity = registration.Identity(
                kind=data["kind"],
                number=data["number"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                ssn_last4=data["ssn_last4"],
            )
            record = registration.match(identity)
            representative = data["kind"] == registration.RECIPIENT and data["representative"]
            if record is None:
                SecurityEvent.objects.create(
                    username="",
                    kind=SecurityEvent.Kind.NOT_MATCHED,
                    **lockout.request_facts(request),
                )
                form.add_error(
                    None,
                    _(
                        "We could not match these details to a record that can register. "
                        "Check them against the letters from your county. Providers can "
                        "register once their enrollment is complete. The Service Desk can help."
                    ),
                )
            elif registration.has_account(record, as_representative=representative):
                form.add_error(
                    None,
                    _(
                        "An account already exists for this record. Sign in, or call the "
                        "Service Desk if you cannot."
                    ),
                )
            else:
                request.session[SESSION_KEY] = {
                    "kind": data["kind"],
                    "id": record.pk,
                    "representative": representative,
                }
                return redirect("register-account")
    return render(request, "registration/register.html", {"form": form})


@login_not_required
@sensitive_post_parameters("password", "password_again", "answer_1", "answer_2", "answer_3")
@require_http_methods(["GET", "POST"])
def register_account(request: HttpRequest) -> HttpResponse:
    """Step 2: username, email, password and security questions."""
    matched = _matched(request)
    if matched is None:
        return redirect("register")
    record, representative = matched
    ip = lockout.client_ip(request)
    if request.method == "POST" and registration.too_many_taken_usernames(ip):
        reason = _(
            "There were too many registration attempts from your network. Try again in an hour."
        )
        return render(request, "registration/wait.html", {"reason": reason}, status=429)
    # A representative's own name is not on the record, so only the record's names count.
    names = (record.first_name, record.last_name)
    form = AccountForm(request.POST or None, names=names)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():  # the account and its confirmation email, or neither
            user = services.register(
                record=record,
                as_representative=representative,
                username=data["username"],
                email=data["email"],
                password=data["password"],
                answers=form.answers(),
                language=get_language() or settings.LANGUAGE_CODE,
                ip_address=ip,
            )
            send_verification(request, user)
        del request.session[SESSION_KEY]
        withdraw_meter(request)
        request.session["registered_email"] = user.email
        return redirect("register-sent")
    if request.method == "POST" and form.has_error("username", USERNAME_TAKEN):
        SecurityEvent.objects.create(
            username="", kind=SecurityEvent.Kind.USERNAME_TAKEN, **lockout.request_facts(request)
        )
    offer_meter(request, names=names)
    return render(
        request,
        "registration/register_account.html",
        {"form": form, "record": record, "representative": representative},
    )


def send_verification(request: HttpRequest, user: User) -> None:
    """Queue the email with the single-use confirmation link, through the outbox.

    The link is made when the worker sends the email (registration.confirmation_link_path)
    and is never stored; a mail outage delays the email instead of failing the page.
    """
    notify(
        user=user,
        event=Event.EMAIL_CONFIRMATION,
        context={"hours": settings.EMAIL_VERIFICATION_SECONDS // 3600},
        key=f"confirm:{uuid.uuid4().hex}",  # each request (a desk resend too) sends one
    )


@login_not_required
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/register_sent.html",
        {"email": request.session.get("registered_email", "")},
    )


# The confirmation link's token is moved into the session at its first request, and the
# page continues at this address instead, so the token does not stay in the address bar,
# the history or the access logs (as Django's PasswordResetConfirmView does).
VERIFY_LINK_KEY = "register_verify_link"
CONFIRM_STEP = "confirm"


@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Confirm the email from the link. GET asks first: mail scanners follow links too."""
    user = registration.user_from_uid(uidb64)
    if token != CONFIRM_STEP:
        if user is not None and registration.verification_tokens.check_token(user, token):
            request.session[VERIFY_LINK_KEY] = token
            return redirect("register-verify", uidb64=uidb64, token=CONFIRM_STEP)
        return render(request, "registration/verify.html", {"state": "invalid"})
    token = request.session.get(VERIFY_LINK_KEY, "")
    valid = user is not None and registration.verification_tokens.check_token(user, token)
    if valid and request.method == "POST":
        assert user is not None
        services.confirm_email(user=user)
        del request.session[VERIFY_LINK_KEY]
        return render(request, "registration/verify.html", {"state": "done"})
    return render(request, "registration/verify.html", {"state": "ask" if valid else "invalid"})
