"""The direct deposit section of the service desk's account page (accounts names no app
above it, so its template loads this tag): the masked status and history of the
account's provider records, read only, never the number."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from ihss.accounts.models import Role
from ihss.payroll.deposit_views import desk_history

register = template.Library()


@register.inclusion_tag("payroll/deposit_desk.html", takes_context=True)
def desk_direct_deposit(context: dict[str, Any], account: Any) -> dict[str, Any]:
    request = context["request"]
    today = timezone.localdate()
    providers = []
    for membership in account.memberships_as(Role.PROVIDER):
        if membership.provider is None:
            continue
        rows = desk_history(request.user, membership.provider, today)
        if rows is not None:
            providers.append((membership.provider, rows))
    return {"providers": providers}
