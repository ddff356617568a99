"""What accounts add to the portal's menus (its pages are in ihss/accounts/urls.py).

Read by ihss/core/registry.py; see docs/adr/0015-app-registry-and-layers.md.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ihss.core import registry


def register() -> None:
    from ihss.accounts.models import Role

    # The Service Desk finds accounts from its home page, which holds the one search box.
    registry.add_menu("accounts:desk-search", _("Accounts"), roles=[Role.STATE_ADMIN], order=60)
    registry.add_menu(
        "accounts:factor-requests",
        _("Second-factor requests"),
        roles=[Role.STATE_ADMIN],
        order=70,
    )
