"""Account-level views that need no role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from ihss.accounts import lockout, services
from ihss.accounts.confirm_views import count_wrong_confirmation
from ihss.accounts.forms import ChangePasswordForm
from ihss.accounts.http import AuthenticatedHttpRequest, safe_next
from ihss.accounts.models import SecurityEvent, SignInSession
from ihss.core import stepup


class SignInView(auth_views.LoginView):
    """Django's sign-in behind the lockout (ihss.accounts.lockout), recording each sign-in.

    A refused try (this browser group paused or stopped for the username) gets the pause
    page before the password is checked; a wrong password is counted against this
    browser's device cookie if it has one for the username, else against unknown browsers.
    """

    redirect_authenticated_user = True
    device: str | None = None  # this browser's device id for the username typed, if any

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if lockout.address_is_throttled(request):
            SecurityEvent.objects.create(
                username=lockout.normalize(request.POST.get("username")),
                kind=SecurityEvent.Kind.THROTTLED,
                **lockout.request_facts(request),
            )
            return lockout.throttled_response(request)
        username = lockout.normalize(request.POST.get("username"))
        self.device = lockout.device_of(request, username) if username else None
        refused = lockout.refusal(username, self.device) if username else None
        if refused is not None:
            return lockout.refused_response(request, refused)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.has_error(NON_FIELD_ERRORS, "invalid_login") or form.has_error(
            NON_FIELD_ERRORS, "inactive"
        ):
            username = lockout.normalize(form.cleaned_data.get("username"))
            refused = lockout.record_failure(self.request, username, self.device)
            if refused is not None:
                return lockout.refused_response(self.request, refused)
            # Our own words, not Django's stock text: the same for a username that does
            # not exist, whose tries are counted the same way (ADR 0012).
            tries = lockout.tries_left(username, self.device)
            form.errors[NON_FIELD_ERRORS] = form.error_class(
                [
                    _("The username or the password is not right.")
                    + " "
                    + ngettext(
                        "You can try %(count)s more time before sign-in is paused for a while.",
                        "You can try %(count)s more times before sign-in is paused for a while.",
                        tries,
                    )
                    % {"count": tries}
                ],
                error_class="nonfield",
            )
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        lockout.record_success(user.get_username(), self.device)
        lockout.owe_device_cookie(self.request, user.get_username())
        facts = lockout.request_facts(self.request)
        if self.request.session.session_key:
            SignInSession.objects.create(
                user=user, session_key=self.request.session.session_key, **facts
            )
        SecurityEvent.about(user, SecurityEvent.Kind.SIGNED_IN, **facts)
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


@require_http_methods(["GET", "POST"])
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own sign-ins and security events; sign out everywhere else."""
    current = request.session.session_key or ""
    if request.method == "POST":
        ended = services.sign_out_elsewhere(user=request.user, keep=current)
        messages.success(
            request,
            ngettext(
                "%(count)s other sign-in was ended.",
                "%(count)s other sign-ins were ended.",
                ended,
            )
            % {"count": ended},
        )
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "sessions": services.open_sessions(request.user),
            "current": current,
            "events": SecurityEvent.objects.filter(user=request.user).order_by(
                "-created_at", "-id"
            )[:20],
        },
    )


@require_POST
def keep_alive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """'Stay signed in': this request itself renews the session (saved on every request)."""
    request.session.modified = True
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect(safe_next(request))


@require_http_methods(["GET", "POST"])
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Change the password: the current one (the confirmation), then the new one twice."""
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.change_password(
                user=request.user,
                password=form.cleaned_data["new_password1"],
                keep_session=request.session.session_key or "",
            )
            update_session_auth_hash(request, request.user)
            stepup.mark_confirmed(request)
            messages.success(
                request,
                _(
                    "Your password is changed. Everywhere else you were signed in, "
                    "you are now signed out."
                ),
            )
            return redirect("accounts:security")
        if form.has_error("old_password", "password_incorrect"):
            signed_out = count_wrong_confirmation(request)
            if signed_out:
                return signed_out
    return render(request, "accounts/password_change.html", {"form": form})
