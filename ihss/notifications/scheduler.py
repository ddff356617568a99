"""Time-based jobs: reminders and the outbox sweep, run by `manage.py run_scheduler`.

A capability registers a job with `@job(...)`; the job receives the slot it runs for (the
scheduled time, not the clock) and raises its notices with keys derived from that slot,
so running it twice, or from two schedulers, sends nothing twice. Each job's state is a
`ScheduledJob` row that a scheduler claims with a conditional UPDATE before running it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from ihss.notifications.models import ScheduledJob
from ihss.notifications.rules import due_slot

log = logging.getLogger(__name__)

JobFunction = Callable[[dt.datetime], object]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None
    lease: dt.timedelta = dt.timedelta(minutes=30)

    def describe(self) -> str:
        if self.every is not None:
            return f"every {int(self.every.total_seconds())} s"
        assert self.daily_at is not None
        return f"daily at {self.daily_at:%H:%M} Pacific"


REGISTRY: dict[str, Job] = {}


def job(
    name: str, *, every: dt.timedelta | None = None, daily_at: dt.time | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Register `function(slot)` to run every so often or daily at a local time."""
    if (every is None) == (daily_at is None):
        raise ValueError("give exactly one of every= and daily_at=")

    def register(function: JobFunction) -> JobFunction:
        REGISTRY[name] = Job(name=name, function=function, every=every, daily_at=daily_at)
        return function

    return register


@dataclass(frozen=True)
class Outcome:
    name: str
    slot: dt.datetime
    error: str = ""


def run_due(*, now: dt.datetime | None = None, only: str | None = None) -> list[Outcome]:
    """Run every registered job that is due now and that no other scheduler holds."""
    now = now or timezone.now()
    local_now = timezone.localtime(now)
    outcomes = []
    for name, entry in sorted(REGISTRY.items()):
        if only is not None and name != only:
            continue
        state = _state(name)
        slot = due_slot(
            now=local_now, last_slot=state.last_slot, every=entry.every, daily_at=entry.daily_at
        )
        if slot is None or not _claim(state, slot=slot, now=now, lease=entry.lease):
            continue
        outcomes.append(_run(entry, state, slot))
    return outcomes


def _state(name: str) -> ScheduledJob:
    try:
        return ScheduledJob.objects.get_or_create(name=name)[0]
    except IntegrityError:  # another scheduler created it at the same moment
        return ScheduledJob.objects.get(name=name)


def _claim(
    state: ScheduledJob, *, slot: dt.datetime, now: dt.datetime, lease: dt.timedelta
) -> bool:
    taken = (
        ScheduledJob.objects.filter(pk=state.pk)
        .filter(Q(last_slot__isnull=True) | Q(last_slot__lt=slot))
        .filter(Q(running_until__isnull=True) | Q(running_until__lt=now))
        .update(last_slot=slot, running_until=now + lease, last_started_at=now)
    )
    return taken == 1


def _run(entry: Job, state: ScheduledJob, slot: dt.datetime) -> Outcome:
    try:
        entry.function(slot)
    except Exception as error:
        log.exception("Scheduled job %s failed for %s", entry.name, slot.isoformat())
        # Give the slot back, so the next tick tries again (the notices' keys stop repeats).
        ScheduledJob.objects.filter(pk=state.pk).update(
            last_slot=state.last_slot,
            running_until=None,
            last_error=f"{type(error).__name__}: {error}"[:300],
        )
        return Outcome(entry.name, slot, error=type(error).__name__)
    ScheduledJob.objects.filter(pk=state.pk).update(
        running_until=None, last_finished_at=timezone.now(), last_error=""
    )
    return Outcome(entry.name, slot)
