"""Recovery pages: forgot username, forgot password (link + security answers, or the
second factor when one is enrolled)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ihss.accounts import lockout, recovery, second_factor, services
from ihss.accounts.forms import NewPasswordForm
from ihss.accounts.models import SecurityAnswer, User
from ihss.accounts.password_views import offer_meter, withdraw_meter
from ihss.accounts.registration import user_from_uid

SESSION_KEY = "recovery_answered"
# The reset link's token is moved into the session at its first request, and the page
# continues at the same address with this word in its place, so the token does not stay
# in the address bar, the history or the access logs (as Django's PasswordResetConfirmView).
LINK_KEY = "recovery_reset_link"
CONTINUE_STEP = "set-password"


def _wait(request: HttpRequest) -> HttpResponse:
    reason = _("There were too many requests from your network. Try again in an hour.")
    return render(request, "registration/wait.html", {"reason": reason}, status=429)


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class NameForm(forms.Form):
    username_or_email = forms.CharField(
        label=_("Username or email address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def recover_username(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    ip = lockout.client_ip(request)
    if request.method == "POST" and form.is_valid():
        if recovery.too_many_requests(ip):
            return _wait(request)
        recovery.send_username(email=form.cleaned_data["email"], ip_address=ip)
        return render(request, "registration/recover_sent.html", {"what": "username"})
    return render(request, "registration/recover_username.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def recover_password(request: HttpRequest) -> HttpResponse:
    form = NameForm(request.POST or None)
    ip = lockout.client_ip(request)
    if request.method == "POST" and form.is_valid():
        if recovery.too_many_requests(ip):
            return _wait(request)
        recovery.send_reset_link(
            username_or_email=form.cleaned_data["username_or_email"], ip_address=ip
        )
        return render(request, "registration/recover_sent.html", {"what": "password"})
    return render(request, "registration/recover_password.html", {"form": form})


@login_not_required
@sensitive_post_parameters("new_password1", "new_password2", "answer_0", "answer_1")
@require_http_methods(["GET", "POST"])
def recover_reset(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The emailed link: first two security answers, then the new password."""
    user = user_from_uid(uidb64)
    if token != CONTINUE_STEP:
        if user is not None and default_token_generator.check_token(user, token):
            request.session[LINK_KEY] = token
            return redirect("recover-reset", uidb64=uidb64, token=CONTINUE_STEP)
        return render(request, "registration/recover_reset.html", {"state": "invalid"})
    token = request.session.get(LINK_KEY, "")
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "registration/recover_reset.html", {"state": "invalid"})
    if recovery.answers_blocked(user):
        return render(request, "registration/recover_reset.html", {"state": "blocked"})
    asked = recovery.questions_to_ask(user, seed=token)
    if not asked and not user.has_second_factor():
        return render(request, "registration/recover_reset.html", {"state": "no_answers"})

    if request.session.get(SESSION_KEY) == token:
        form = NewPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            how = "reset_factor" if user.has_second_factor() else "reset"
            services.reset_password(user=user, password=form.cleaned_data["new_password1"], how=how)
            del request.session[SESSION_KEY]
            del request.session[LINK_KEY]
            withdraw_meter(request)
            return render(request, "registration/recover_reset.html", {"state": "done"})
        offer_meter(request, user=user)
        return render(
            request, "registration/recover_reset.html", {"state": "password", "form": form}
        )

    if user.has_second_factor():
        return _recover_with_second_factor(request, user, token)
    answers = AnswersForm(request.POST or None, asked=asked)
    if request.method == "POST" and answers.is_valid():
        typed = [answers.cleaned_data[f"answer_{n}"] for n in range(len(asked))]
        if recovery.check_answers(user, asked, typed):
            request.session[SESSION_KEY] = token
            return redirect(request.path)
        answers.add_error(None, _("Those answers are not right. Check them and try again."))
    return render(request, "registration/recover_reset.html", {"state": "answers", "form": answers})


class AnswersForm(forms.Form):
    """One field per security question asked."""

    def __init__(self, *args: Any, asked: list[SecurityAnswer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, answer in enumerate(asked):
            self.fields[f"answer_{n}"] = forms.CharField(
                label=answer.get_question_display(),
                max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )


def _recover_with_second_factor(request: HttpRequest, user: User, token: str) -> HttpResponse:
    """With a second factor enrolled, it replaces the security answers."""
    form = FactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["code"]
        method = second_factor.APP if typed.strip().isdigit() else second_factor.RECOVERY
        until = second_factor.wait_until(user, method)
        if until is not None:
            form.add_error("code", second_factor.wait_message(until))
        elif second_factor.verify(request, user, method, typed) is not None:
            request.session[SESSION_KEY] = token
            return redirect(request.path)
        else:
            form.add_error("code", _("That code did not work. Check it and try again."))
    return render(request, "registration/recover_reset.html", {"state": "factor", "form": form})


class FactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or one of your recovery codes"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": _("Enter a code.")},
    )
