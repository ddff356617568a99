"""Recording punches: once each, paired into visits, flagged and never blocked for where
or when, refused only for whom."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from ihss.core import visits as core_visits
from ihss.core.refusals import ServiceRefused
from ihss.evv.models import Punch, Visit
from ihss.evv.services.punches import PunchInput, sync
from ihss.evv.services.visits import correct_visit
from ihss.evv.tests.factories import HOME, local, punch, worker_and_recipient

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate() - dt.timedelta(days=1)  # every time of it is past


def test_a_check_in_and_its_check_out_make_one_visit_that_fills_the_day():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(TODAY, 8, 0))
    punch(provider, recipient, user, kind="out", at=local(TODAY, 12, 30))
    visit = Visit.objects.get()
    assert visit.check_in and visit.check_out
    assert visit.flags == []
    day = core_visits.day_visits(provider.pk, recipient.pk, "IHSS", TODAY, TODAY)[TODAY]
    assert (day.start, day.end, day.location) == (dt.time(8, 0), dt.time(12, 30), "home")


def test_sending_the_same_punch_again_records_it_once():
    provider, recipient, user, _a = worker_and_recipient()
    same = uuid.uuid4()
    first = punch(provider, recipient, user, at=local(TODAY, 8), phone_id=same)
    again = punch(provider, recipient, user, at=local(TODAY, 8), phone_id=same)
    assert first.status == "recorded" and again.status == "duplicate"
    assert again.recorded[1].pk == first.recorded[1].pk
    assert Punch.objects.count() == 1 and Visit.objects.count() == 1


def test_split_shifts_make_two_visits_and_the_day_runs_from_first_in_to_last_out():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(TODAY, 7))
    punch(provider, recipient, user, kind="out", at=local(TODAY, 9))
    punch(provider, recipient, user, kind="in", at=local(TODAY, 17), place="community", near=None)
    punch(provider, recipient, user, kind="out", at=local(TODAY, 19), place="community", near=None)
    assert Visit.objects.count() == 2
    day = core_visits.day_visits(provider.pk, recipient.pk, "IHSS", TODAY, TODAY)[TODAY]
    assert (day.start, day.end, day.location, day.visits) == (
        dt.time(7),
        dt.time(19),
        "both",
        2,
    )


def test_a_community_punch_keeps_no_coordinates_even_when_sent():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, at=local(TODAY, 8), place="community")
    stored = Punch.objects.get()
    assert stored.latitude is None and stored.position == "not_asked"


def test_a_home_punch_far_from_the_home_is_recorded_and_flagged_out_of_range():
    provider, recipient, user, _a = worker_and_recipient()
    far = (HOME[0] + Decimal("0.05"), HOME[1])  # about 5.6 km north
    outcome = punch(provider, recipient, user, at=local(TODAY, 8), near=far, accuracy=30)
    assert outcome.status == "recorded"
    stored, _visit = outcome.recorded
    assert stored.range == "out" and 5000 < (stored.distance_m or 0) < 6000
    assert "out_of_range" in outcome.recorded[1].flags


def test_a_poor_fix_is_not_held_against_the_provider():
    provider, recipient, user, _a = worker_and_recipient()
    near = (HOME[0] + Decimal("0.004"), HOME[1])  # about 445 m
    outcome = punch(provider, recipient, user, at=local(TODAY, 8), near=near, accuracy=300)
    assert outcome.recorded[0].range == "in"


def test_refused_location_still_records_the_visit_marked_no_location():
    provider, recipient, user, _a = worker_and_recipient()
    outcome = punch(provider, recipient, user, at=local(TODAY, 8), near=None, position="denied")
    assert outcome.status == "recorded"
    assert outcome.recorded[0].position == "denied"
    assert "no_location" in outcome.recorded[1].flags


def test_without_the_recipients_coordinates_there_is_no_range_check():
    provider, recipient, user, _a = worker_and_recipient(located=False)
    outcome = punch(provider, recipient, user, at=local(TODAY, 8))
    assert outcome.recorded[0].range == "unknown" and "unknown_range" in outcome.recorded[1].flags


def test_a_phone_clock_in_the_future_is_flagged_not_refused():
    provider, recipient, user, _a = worker_and_recipient()
    outcome = punch(provider, recipient, user, at=timezone.now() + dt.timedelta(hours=3))
    assert outcome.status == "recorded" and outcome.recorded[0].implausible_time
    assert "phone_time" in outcome.recorded[1].flags


def test_a_live_in_provider_is_told_they_are_exempt():
    provider, recipient, user, _a = worker_and_recipient(live_in=True)
    with pytest.raises(ServiceRefused) as refused:
        punch(provider, recipient, user, at=local(TODAY, 8))
    assert refused.value.code == "live_in_exempt"
    assert not Punch.objects.exists()


def test_a_punch_after_the_assignment_ended_is_refused_with_the_reason():
    provider, recipient, user, assignment = worker_and_recipient()
    assignment.end_date = TODAY - dt.timedelta(days=3)
    assignment.save()
    with pytest.raises(ServiceRefused) as refused:
        punch(provider, recipient, user, at=local(TODAY, 8))
    assert refused.value.code == "assignment_not_in_force"


def test_a_batch_sent_twice_records_each_punch_once_and_answers_each():
    provider, recipient, user, _a = worker_and_recipient()
    batch = [
        PunchInput(uuid.uuid4(), "out", recipient.pk, "IHSS", "community", local(TODAY, 12)),
        PunchInput(uuid.uuid4(), "in", recipient.pk, "IHSS", "community", local(TODAY, 8)),
    ]
    first = sync(provider=provider, batch=batch, by=user)
    second = sync(provider=provider, batch=batch, by=user)
    assert [o.status for o in first] == ["recorded", "recorded"]
    assert [o.status for o in second] == ["duplicate", "duplicate"]
    visit = Visit.objects.get()
    assert visit.check_in and visit.check_out and visit.flags == []


def test_a_correction_changes_the_times_that_count_and_keeps_the_punch():
    provider, recipient, user, _a = worker_and_recipient()
    punch(provider, recipient, user, kind="in", at=local(TODAY, 8))
    punch(provider, recipient, user, kind="out", at=local(TODAY, 17))
    visit = Visit.objects.get()
    correct_visit(
        visit=visit, start=None, end=dt.time(16, 30), place=None, reason="Forgot", by=user
    )
    visit.refresh_from_db()
    assert timezone.localtime(visit.ended_at).time() == dt.time(16, 30)
    assert visit.check_out is not None
    assert timezone.localtime(visit.check_out.punched_at).time() == dt.time(17)
    assert "corrected" in visit.flags
    assert visit.corrections.get().reason == "Forgot"
