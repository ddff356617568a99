"""What Career Pathways adds to the portal: its API and its menu links.

Read by ihss/core/registry.py; see docs/adr/0015-app-registry-and-layers.md. The catalog
is public (no sign-in, no token); the signed-in parts come with registration.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ihss.core import payables, registry


def register() -> None:
    from ihss.accounts.models import Role
    from ihss.training import access
    from ihss.training.api import router
    from ihss.training.payables import SOURCES

    # training:read for GET, training:write for POST and PUT, then the session; the
    # catalog is public (its operation needs no authentication at all).
    registry.add_api("/training/", router, scope_resource="training")
    registry.add_scope(
        "training:read",
        _("Read Career Pathways: your registrations, claims and incentives, or your rosters"),
        may_hold=access.can_use_training,
        order=45,
    )
    registry.add_scope(
        "training:write",
        _("Register for classes and confirm training time, or record attendance"),
        may_hold=access.can_use_training,
        order=46,
    )
    # Confirmed training time, paid by payroll (ihss/core/payables.py).
    for source in SOURCES:
        payables.add_source(source)
    registry.add_menu("training:mine", _("Training"), roles=[Role.PROVIDER], order=40)
    registry.add_menu(
        "training:careers-edit", _("Careers page"), roles=[Role.STATE_ADMIN], order=58
    )
    registry.add_menu("training:coach", _("Coaching queue"), roles=[Role.COACH], order=10)
    registry.add_menu(
        "training:classes", _("Classes and rosters"), roles=[Role.TRAINING_PROVIDER], order=10
    )
