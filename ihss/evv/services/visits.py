"""Reading a day's visits for the timesheet, and the provider's corrections.

A correction changes the times (or the location) that count for a visit and records the
provider's reason beside what the punches said; the punches themselves are never changed.
The county sees every corrected visit ("corrected by hand") with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.core import audit, visits
from ihss.core.refusals import ServiceRefused
from ihss.evv import rules
from ihss.evv.models import Place, Visit, VisitCorrection
from ihss.evv.services.punches import refresh_flags


class CorrectionRefused(ServiceRefused):
    pass


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment is not None else None


def span(visit: Visit) -> rules.Span:
    return rules.Span(_local(visit.started_at), _local(visit.ended_at), visit.place)


def day_visits(
    provider_id: int, recipient_id: int, program: str, first: dt.date, last: dt.date
) -> dict[dt.date, visits.DayVisits]:
    """`ihss.core.visits.day_visits`, answered from the visits."""
    by_day: dict[dt.date, list[Visit]] = defaultdict(list)
    for visit in Visit.objects.filter(
        provider_id=provider_id,
        recipient_id=recipient_id,
        program=program,
        day__gte=first,
        day__lte=last,
    ).order_by("day", "started_at", "id"):
        by_day[visit.day].append(visit)
    answer = {}
    for day, day_list in by_day.items():
        summary = rules.day_summary([span(v) for v in day_list])
        answer[day] = visits.DayVisits(
            day=day,
            start=summary.start,
            end=summary.end,
            location=summary.location,
            visits=len(day_list),
            corrected=any(v.corrected for v in day_list),
        )
    return answer


def overlapping_visits(
    provider_id: int, start: dt.datetime, end: dt.datetime
) -> list[visits.VisitSpan]:
    """`ihss.core.visits.overlapping_visits`: visits begun before `end` and not ended by
    `start` (a visit still open counts until now)."""
    rows = (
        Visit.objects.filter(provider_id=provider_id, started_at__lt=end)
        .exclude(ended_at__lte=start)
        .order_by("started_at")
        .values_list("recipient_id", "started_at", "ended_at")
    )
    return [visits.VisitSpan(r, s, e) for r, s, e in rows if s is not None]


def day_punches(
    provider_id: int, recipient_id: int, program: str, first: dt.date, last: dt.date
) -> dict[dt.date, visits.DayPunches]:
    """`ihss.core.visits.day_punches`: the day as the punches said it, before any
    correction (what the county compares the timesheet's reported times with)."""
    by_day: dict[dt.date, list[rules.Span]] = defaultdict(list)
    for visit in (
        Visit.objects.filter(
            provider_id=provider_id,
            recipient_id=recipient_id,
            program=program,
            day__gte=first,
            day__lte=last,
        )
        .select_related("check_in", "check_out")
        .order_by("day", "id")
    ):
        punches = [p for p in (visit.check_in, visit.check_out) if p is not None]
        by_day[visit.day].append(
            rules.Span(
                _local(visit.check_in.punched_at) if visit.check_in else None,
                _local(visit.check_out.punched_at) if visit.check_out else None,
                punches[0].place,
            )
        )
    answer = {}
    for day, spans in by_day.items():
        summary = rules.day_summary(spans)
        answer[day] = visits.DayPunches(day, summary.start, summary.end, summary.location)
    return answer


def _snapshot(visit: Visit) -> dict[str, Any]:
    def hm(moment: dt.datetime | None) -> str:
        return _local(moment).strftime("%H:%M") if moment is not None else ""  # type: ignore[union-attr]

    return {"start": hm(visit.started_at), "end": hm(visit.ended_at), "place": visit.place}


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def correct_visit(
    *,
    visit: Visit,
    start: dt.time | None,
    end: dt.time | None,
    place: str | None,
    reason: str,
    by: User,
) -> Visit:
    """Change a visit's start, end or location, saying why. Refused once its day is on a
    sent timesheet. Changing nothing records nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionRefused(
            _("Say why you are changing the check-in or check-out."),
            code="reason_required",
            field="reason",
            conflict=False,
        )
    if place is not None and place not in Place.values:
        raise CorrectionRefused(
            _("Choose Home or Community."), code="place", field="place", conflict=False
        )
    with transaction.atomic():
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        refusal = visits.day_refusal(
            visit.provider_id, visit.recipient_id, visit.program, visit.day
        )
        if refusal:
            raise CorrectionRefused(str(refusal), code="day_sent")
        before = _snapshot(visit)
        started = _at(visit.day, start) if start is not None else visit.started_at
        ended = visit.ended_at
        if end is not None:
            ended = _at(visit.day, end)
            if started is not None and ended < started:
                ended += dt.timedelta(days=1)  # past midnight: an overnight visit
        if started is not None and ended is not None and ended <= started:
            raise CorrectionRefused(
                _("The end time must be after the start time."),
                code="end_before_start",
                field="end",
                conflict=False,
            )
        visit.started_at, visit.ended_at = started, ended
        if place is not None:
            visit.place = place
        after = _snapshot(visit)
        if after == before:
            return visit
        visit.corrected = True
        refresh_flags(visit)
        visit.save(update_fields=["started_at", "ended_at", "place", "corrected", "flags"])
        VisitCorrection.objects.create(
            visit=visit, before=before, after=after, reason=reason, made_by=by
        )
        audit.record(
            actor=by,
            action="evv.corrected",
            subject=visit,
            before=before,
            after=after,
            reason=reason,
        )
        return visit


def correct_day(
    *,
    provider_id: int,
    recipient_id: int,
    program: str,
    day: dt.date,
    start: dt.time | None,
    end: dt.time | None,
    location: str,
    reason: str,
    by: User,
) -> None:
    """`ihss.core.visits.correct_day`: the timesheet's start goes to the day's first
    visit, its end to the last; a location of Home or Community to every visit of the day
    ("both" leaves each visit's own)."""
    day_list = list(
        Visit.objects.filter(
            provider_id=provider_id, recipient_id=recipient_id, program=program, day=day
        ).order_by("started_at", "id")
    )
    if not day_list:
        return
    place = location if location in Place.values else None
    first, last = day_list[0], day_list[-1]
    for visit in day_list:
        correct_visit(
            visit=visit,
            start=start if visit.pk == first.pk else None,
            end=end if visit.pk == last.pk else None,
            place=place,
            reason=reason,
            by=by,
        )
