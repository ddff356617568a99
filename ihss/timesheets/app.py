"""What timesheets add to the portal: their API, their token scopes, their menu links, and
what EVV asks of them (ihss/core/visits.py).

Read by ihss/core/registry.py; see docs/adr/0015-app-registry-and-layers.md.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ihss.core import payables, registry, visits


def register() -> None:
    from ihss.accounts.models import Role
    from ihss.timesheets import access
    from ihss.timesheets.api import router
    from ihss.timesheets.payables import SOURCES, sick_leave_fact
    from ihss.timesheets.services import visits as timesheet_visits

    # timesheets:read for GET, timesheets:write for POST and PUT, then the session. Each
    # step checks the caller's roles itself, at every call.
    registry.add_api("/timesheets/", router, scope_resource="timesheets")
    # What it owes providers, read by payroll (ihss/core/payables.py).
    for source in SOURCES:
        payables.add_source(source)
    payables.add_fact("sick_leave", sick_leave_fact)
    # What EVV asks (ihss/core/visits.py): no punch for a day on a sent timesheet, and the
    # days with reported hours for its compliance view.
    visits.offer_day_guard(timesheet_visits.day_refusal)
    visits.offer_worked_days(timesheet_visits.worked_days)
    # Providers, recipients, county staff, the service desk and state administrators read
    # them; the desk never gets timesheets:write, since it only reads them.
    registry.add_scope(
        "timesheets:read",
        _("Read timesheets: your own, and those your work lets you see"),
        may_hold=access.can_read_timesheets,
        order=20,
    )
    registry.add_scope(
        "timesheets:write",
        _("Fill in, send, approve, return and review timesheets, as your role allows"),
        may_hold=access.can_change_timesheets,
        order=21,
    )
    # Named by role: a live-in provider who is also her mother's representative holds both
    # roles and sees both links, which must not read alike.
    registry.add_menu("timesheets:mine", _("My timesheets"), roles=[Role.PROVIDER], order=10)
    registry.add_menu(
        "timesheets:review", _("Timesheets to approve"), roles=[Role.RECIPIENT], order=10
    )
    registry.add_menu(
        "timesheets:county",
        _("Timesheet review"),
        roles=[Role.COUNTY_STAFF, Role.STATE_ADMIN],
        order=10,
    )
    registry.add_menu("timesheets:violations", _("Violations"), roles=[Role.COUNTY_STAFF], order=20)
