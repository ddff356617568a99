"""The scheduler runs each due job once per slot, whoever else is running."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from ihss.notifications import scheduler
from ihss.notifications.models import ScheduledJob

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
NINE = dt.datetime(2026, 11, 14, 9, 0, tzinfo=PACIFIC)


@pytest.fixture
def calls(monkeypatch):
    """A daily job at 9:00 that records the slots it ran for (and can be made to fail)."""
    seen: list[dt.datetime] = []
    state = {"fail": False}

    def remember(slot):
        if state["fail"]:
            raise RuntimeError("the reminder query failed")
        seen.append(slot)

    monkeypatch.setitem(
        scheduler.REGISTRY,
        "test.daily",
        scheduler.Job(name="test.daily", function=remember, daily_at=dt.time(9, 0)),
    )
    return seen, state


def run(at):
    with time_machine.travel(at, tick=False):
        return scheduler.run_due(only="test.daily")


def test_a_job_runs_once_for_its_slot_however_often_the_scheduler_ticks(calls):
    seen, _ = calls
    assert run(NINE - dt.timedelta(minutes=1)) == []
    run(NINE + dt.timedelta(seconds=30))
    run(NINE + dt.timedelta(minutes=1))
    run(NINE + dt.timedelta(hours=2))
    assert seen == [NINE]
    run(NINE + dt.timedelta(days=1, minutes=1))
    assert seen == [NINE, NINE + dt.timedelta(days=1)]


def test_a_second_scheduler_does_not_run_a_job_another_one_holds(calls):
    seen, _ = calls
    with time_machine.travel(NINE + dt.timedelta(minutes=1), tick=False):
        state = ScheduledJob.objects.create(name="test.daily")
        # Another scheduler claimed the slot a moment ago and is still running it.
        ScheduledJob.objects.filter(pk=state.pk).update(
            last_slot=NINE, running_until=NINE + dt.timedelta(minutes=30)
        )
        assert scheduler.run_due(only="test.daily") == []
    assert seen == []


def test_a_failed_run_is_tried_again_at_the_next_tick(calls):
    seen, state = calls
    state["fail"] = True
    [outcome] = run(NINE + dt.timedelta(minutes=1))
    assert outcome.error == "RuntimeError"
    assert ScheduledJob.objects.get(name="test.daily").last_error.startswith("RuntimeError")
    state["fail"] = False
    run(NINE + dt.timedelta(minutes=2))
    assert seen == [NINE]
    assert ScheduledJob.objects.get(name="test.daily").last_error == ""


def test_the_command_lists_its_jobs_and_refuses_an_unknown_one(capsys):
    call_command("run_scheduler", "--list")
    listed = capsys.readouterr().out
    assert "notifications.sweep_outbox: every 60 s" in listed
    assert "timesheets.pay_period_ending: daily at 09:00 Pacific" in listed
    with pytest.raises(CommandError, match="No job named 'nope'"):
        call_command("run_scheduler", "--once", "--job", "nope")
