"""A week saved with a correction of its check-in and check-out, several times at the same
moment (a double click, two tabs, a retried call), on PostgreSQL: the visits are corrected
once, the day keeps its reason, and every save succeeds."""

from __future__ import annotations

import datetime as dt

import pytest

from ihss import test as cast
from ihss.core.models import AuditEvent
from ihss.evv.models import Visit, VisitCorrection
from ihss.timesheets import services
from ihss.timesheets.tests.conftest import H
from ihss.timesheets.tests.test_evv_fill import MON, make_evv

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
CALLERS = 10


def test_the_same_correction_saved_at_once_corrects_the_visit_once(today):
    evv = make_evv()
    evv.day_in(MON, (9, 0), (17, 0))
    reason = "Stayed until the nurse came"
    typed = services.DayInput(8 * H, dt.time(9), dt.time(17, 30), "home", reason=reason)

    def save() -> None:
        services.save_week(timesheet=evv.sheet, days={MON: typed}, by=evv.user)

    errors = cast.at_once([save] * CALLERS)
    assert errors == [None] * CALLERS, [e for e in errors if e][:3]
    assert VisitCorrection.objects.count() == 1
    assert Visit.objects.get().corrected
    entry = evv.sheet.days.get()
    assert (entry.end, entry.evv_reason) == (dt.time(17, 30), reason)
    assert AuditEvent.objects.filter(action="timesheet.days_saved").count() == 1
    assert AuditEvent.objects.filter(action="evv.corrected").count() == 1
