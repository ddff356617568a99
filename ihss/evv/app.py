"""What EVV adds to the portal: its API, token scopes and menu links
(ihss/core/registry.py), and the answers timesheets reads (ihss/core/visits.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ihss.core import registry, visits


def register() -> None:
    from ihss.accounts.models import Role
    from ihss.evv import access
    from ihss.evv.api import router
    from ihss.evv.services import visits as evv_visits

    visits.offer_day_visits(evv_visits.day_visits)
    visits.offer_correction(evv_visits.correct_day)
    visits.offer_overlaps(evv_visits.overlapping_visits)
    visits.offer_day_punches(evv_visits.day_punches)
    registry.add_api("/visits/", router, scope_resource="evv")
    registry.add_menu("evv:phone", _("Check in and out"), roles=[Role.PROVIDER], order=12)
    registry.add_scope(
        "evv:read",
        _("Read visits (check-ins and check-outs)"),
        may_hold=access.can_read,
        order=50,
    )
    registry.add_scope(
        "evv:write",
        _("Check in and out, send offline punches and correct visits"),
        may_hold=access.can_punch,
        order=51,
    )
    registry.add_menu(
        "evv:county-compliance", _("EVV compliance"), roles=[Role.COUNTY_STAFF], order=25
    )
    registry.add_menu("evv:recipient-visits", _("Visits"), roles=[Role.RECIPIENT], order=20)
