"""What payroll adds to the portal: its API, its token scopes, its menu links.

Read by ihss/core/registry.py; see docs/adr/0015-app-registry-and-layers.md.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ihss.core import registry


def register() -> None:
    from ihss.accounts.models import Role
    from ihss.payroll import access
    from ihss.payroll.api import router

    registry.add_api("/pay/", router, scope_resource="pay")
    registry.add_scope(
        "pay:read",
        _("Read pay: your paystubs, payments and direct deposit (masked), or payroll runs"),
        may_hold=access.can_read_pay,
        order=30,
    )
    registry.add_scope(
        "pay:write",
        _("Change your direct deposit, or run payroll, as your role allows"),
        may_hold=access.can_change_pay,
        order=31,
    )
    registry.add_menu("payroll:deposits", _("Direct deposit"), roles=[Role.PROVIDER], order=30)
    registry.add_menu("payroll:runs", _("Payroll"), roles=[Role.STATE_ADMIN], order=55)
    registry.add_menu("payroll:mine", _("My pay"), roles=[Role.PROVIDER], order=20)
