"""The provider's tax withholding page: what is withheld from each paycheck on request
(income tax) or by choice (SDI for a family provider), and the form to change it. A change
needs a recent confirmation that it is the person, as for direct deposit."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ihss.accounts.decorators import role_required
from ihss.accounts.http import AuthenticatedHttpRequest
from ihss.accounts.models import Role
from ihss.core import stepup
from ihss.payroll import access
from ihss.payroll.election_forms import CENTS, WithholdingForm
from ihss.payroll.services import elections


@require_http_methods(["GET", "POST"])
@role_required(Role.PROVIDER)
@stepup.recent_confirmation_required
def withholding(request: AuthenticatedHttpRequest) -> HttpResponse:
    provider = access.own_provider(request.user)
    today = timezone.localdate()
    current = elections.in_force(provider, today)
    initial = {
        "federal": Decimal(current.federal_income_tax_cents if current else 0) / CENTS,
        "state": Decimal(current.state_income_tax_cents if current else 0) / CENTS,
        "elective_sdi": bool(current and current.elective_sdi),
    }
    form = WithholdingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _election, changed = elections.request_withholding(
            provider=provider,
            federal_income_tax_cents=form.cents("federal"),
            state_income_tax_cents=form.cents("state"),
            elective_sdi=form.cleaned_data["elective_sdi"],
            by=request.user,
            today=today,
        )
        if changed:
            messages.success(
                request, _("Saved. It applies to every paycheck from the next payroll run.")
            )
        else:
            messages.info(request, _("This is what was already withheld; nothing changed."))
        return redirect("payroll:withholding")
    return render(
        request,
        "payroll/withholding.html",
        {"form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )
