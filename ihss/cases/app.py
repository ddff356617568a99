"""What the case records add to the portal: their API, their token scope, their menu links.

Read by ihss/core/registry.py; see docs/adr/0015-app-registry-and-layers.md.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ihss.core import registry


def register() -> None:
    from ihss.accounts.models import Role
    from ihss.cases import access
    from ihss.cases.api import router

    # The router sets its own auth: the token, then the session, both limited to the
    # people who use case records (ihss/cases/api.py).
    registry.add_api("/cases/", router)
    registry.add_scope(
        "cases:read",
        _("Read case records: recipients, providers and their histories"),
        may_hold=access.can_use_case_records,
        order=10,
    )
    staff = [Role.COUNTY_STAFF, Role.STATE_ADMIN, Role.SERVICE_DESK]
    registry.add_menu("cases:recipient-list", _("Recipients"), roles=staff, order=30)
    registry.add_menu("cases:provider-list", _("Providers"), roles=staff, order=40)
    registry.add_menu(
        "cases:import", _("Import"), roles=[Role.COUNTY_STAFF, Role.STATE_ADMIN], order=50
    )
