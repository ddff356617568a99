"""The page to explore healthcare careers: public, in the reader's language; kept by state
administrators (a text a language, plain text only)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core import audit
from ihss.training.models import CareersPage

MAX_CHARS = 10_000


@login_not_required
def careers(request: HttpRequest) -> HttpResponse:
    language = (get_language() or "en").split("-")[0]
    page = (
        CareersPage.objects.filter(language=language).first()
        or CareersPage.objects.filter(language="en").first()
    )
    return render(request, "training/careers.html", {"page": page})


class CareersForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for code, name in settings.LANGUAGES:
            self.fields[code] = forms.CharField(
                label=gettext_lazy("Text in %(language)s") % {"language": name},
                max_length=MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 12}),
                help_text=gettext_lazy(
                    "Plain text: a blank line starts a paragraph; addresses become links."
                ),
            )


@role_required(Role.STATE_ADMIN)
def edit_careers(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = {p.language: p.body for p in CareersPage.objects.all()}
    form = CareersForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for code, _name in settings.LANGUAGES:
                before = CareersPage.objects.filter(language=code).first()
                page, _made = CareersPage.objects.update_or_create(
                    language=code,
                    defaults={
                        "body": form.cleaned_data[code],
                        "updated_at": timezone.now(),
                        "updated_by": request.user,
                    },
                )
                if before is None or before.body != page.body:
                    audit.record(
                        actor=request.user,
                        action="training.careers_page_changed",
                        subject=page,
                        before={"body": before.body if before else ""},
                        after={"body": page.body},
                    )
        messages.success(request, _("The page is saved."))
        return HttpResponseRedirect(reverse("training:careers"))
    return render(
        request, "training/careers_edit.html", {"form": form}, status=400 if form.errors else 200
    )
