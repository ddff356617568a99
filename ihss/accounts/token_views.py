"""A person's personal access tokens for the API: list, create (shown once), revoke.

Any signed-in person may make tokens for themselves; what a token may do is limited to
what their roles allow (ihss/accounts/tokens.py). A token of someone else is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from ihss.accounts import lockout, services, tokens
from ihss.accounts.forms import TokenForm
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import PersonalAccessToken


def token_for(request: AuthenticatedHttpRequest, pk: int) -> PersonalAccessToken:
    """One of the signed-in person's tokens, or 404 (another person's too)."""
    token = PersonalAccessToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    return token


@require_GET
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": PersonalAccessToken.objects.filter(user=request.user).order_by(
                "-created_at", "-id"
            ),
        },
    )


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form; on success, the page that shows the token's text, once.

    The text is rendered in the answer to the POST itself (never stored, not even in the
    session for a redirect) and the page is not cached. Sending the form again is refused
    by name (services.create_token), so a reload does not make a second token.
    """
    form = TokenForm(request.POST or None, scopes=tokens.allowed_scopes(request.user))
    if request.method == "POST" and form.is_valid():
        facts = lockout.request_facts(request)
        try:
            confirmed = services.confirm_password(
                user=request.user, password=form.cleaned_data["password"], **facts
            )
        except services.StepUpPaused:
            form.add_error(
                "password",
                _("Too many wrong passwords. Wait 15 minutes, then try again."),
            )
        else:
            if not confirmed:
                form.add_error("password", _("That is not your current password."))
            else:
                try:
                    new = services.create_token(
                        user=request.user,
                        name=form.cleaned_data["name"],
                        scopes=form.cleaned_data["scopes"],
                        days=form.cleaned_data["days"],
                        **facts,
                    )
                except services.TokenError as error:
                    form.add_error(None, str(error))
                else:
                    return render(
                        request,
                        "accounts/token_created.html",
                        {"token": new.token, "text": new.text},
                    )
    return render(request, "accounts/token_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask, then revoke: programs using the token stop at once."""
    token = token_for(request, pk)
    if request.method == "POST":
        if services.revoke_token(token=token, by=request.user):
            messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})
