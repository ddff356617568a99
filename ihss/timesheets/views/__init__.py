"""Timesheet pages: the provider's list and workweeks, the recipient's review, the
county's review before payroll; violations and the county's exceptions; travel on a
timesheet; paid sick leave claims. One module per workflow; urls.py names each view here.

Timesheets are loaded only through `access`, changed only through `services`. A step a
service refuses comes back on the page with its reason, and what was typed is kept.
"""

from __future__ import annotations

from ihss.timesheets.views.county_review import county_decide, county_queue
from ihss.timesheets.views.exception_pages import exceptions
from ihss.timesheets.views.hours_table import hours
from ihss.timesheets.views.sick_leave_pages import (
    sick_leave,
    sick_leave_approve,
    sick_leave_claim,
    sick_leave_reject,
    sick_leave_review,
)
from ihss.timesheets.views.timesheets import (
    approve,
    detail,
    mine,
    reject,
    review,
    start,
    submit,
    week,
    week_check,
)
from ihss.timesheets.views.travel import travel_add, travel_remove
from ihss.timesheets.views.violation_pages import violation, violations

__all__ = [
    "approve",
    "county_decide",
    "county_queue",
    "detail",
    "exceptions",
    "hours",
    "mine",
    "reject",
    "review",
    "sick_leave",
    "sick_leave_approve",
    "sick_leave_claim",
    "sick_leave_reject",
    "sick_leave_review",
    "start",
    "submit",
    "travel_add",
    "travel_remove",
    "violation",
    "violations",
    "week",
    "week_check",
]
