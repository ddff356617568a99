"""Recording check-ins and check-outs, once each, whatever the network does.

Each punch carries an id made on the phone. `record` answers a punch sent again (a retry,
a second tab, a double tap, a batch uploaded twice) with the punch already recorded: the
provider's row is locked first, so a provider's punches are recorded one at a time and
the same id is inserted once. `sync` records a batch of offline punches, oldest first,
each on its own: a refused punch is answered with its reason and the others still count.

A punch is refused (nothing recorded, a message the phone shows) when the provider does
not serve the recipient in that program on the punch's day, is a live-in provider for
them (exempt from EVV), or when the day is already on a timesheet that was sent.
Everything else is recorded and, where something looks wrong, flagged for the county:
no location, out of range, an implausible phone clock (WIC 10836: never a refusal).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.cases.models import Assignment, Program, Provider, Recipient
from ihss.core import audit, visits
from ihss.core.parameters import parameters
from ihss.core.refusals import ServiceRefused
from ihss.evv import rules
from ihss.evv.models import Channel, Place, Position, Punch, Visit

# A check-out closes the provider's open visit with the recipient begun at most this long
# before it; an older open visit stays open (flagged "no check-out"), the check-out makes
# a visit of its own (flagged "no check-in"). A day of care, plus an overnight shift.
PAIRING_WINDOW = dt.timedelta(hours=24)
# Times no phone can mean (a clock reset to 1970, a typo of a year): refused as malformed,
# not flagged, since no day can be worked out from them.
EARLIEST = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


class PunchRefused(ServiceRefused):
    pass


@dataclass(frozen=True)
class PunchInput:
    """A punch as the phone sent it."""

    phone_id: uuid.UUID
    kind: str  # Punch.Kind
    recipient_id: int
    program: str
    place: str  # Place
    punched_at: dt.datetime  # aware
    position: str = Position.NOT_ASKED  # what the browser gave (Home only)
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy_m: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one punch: recorded now, recorded before, or refused."""

    phone_id: uuid.UUID
    punch: Punch | None
    visit: Visit | None
    duplicate: bool = False
    refusal: ServiceRefused | None = None

    @property
    def recorded(self) -> tuple[Punch, Visit]:
        """The punch and its visit, for an outcome that is not a refusal."""
        if self.punch is None or self.visit is None:
            raise ValueError("This punch was refused.")
        return self.punch, self.visit

    @property
    def status(self) -> str:
        if self.refusal is not None:
            return "refused"
        return "duplicate" if self.duplicate else "recorded"


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def assignment_for(
    provider: Provider, recipient_id: int, program: str, day: dt.date
) -> Assignment | None:
    return (
        Assignment.objects.filter(provider=provider, recipient_id=recipient_id, program=program)
        .in_force_on(day)
        .order_by("-start_date")
        .first()
    )


def _check_assignment(provider: Provider, data: PunchInput, day: dt.date) -> Assignment:
    assignment = assignment_for(provider, data.recipient_id, data.program, day)
    if assignment is not None:
        if assignment.is_live_in:
            raise PunchRefused(
                _(
                    "You are a live-in provider for this recipient (SOC 2298 on file), so "
                    "you do not check in or out for them."
                ),
                code="live_in_exempt",
            )
        return assignment
    served = Assignment.objects.filter(
        provider=provider, recipient_id=data.recipient_id, program=data.program
    ).exists()
    if served:
        raise PunchRefused(
            _(
                "Your work for this recipient in %(program)s is not in force on %(day)s "
                "(the assignment ended or had not begun). Ask your county IHSS office if "
                "this is wrong."
            )
            % {"program": data.program, "day": day.isoformat()},
            code="assignment_not_in_force",
        )
    raise PunchRefused(
        _("You do not work for this recipient in %(program)s, so you cannot check in for them.")
        % {"program": data.program},
        code="recipient_not_served",
        field="recipient",
        conflict=False,
    )


def _check_input(data: PunchInput) -> None:
    if data.kind not in Punch.Kind.values:
        raise PunchRefused(_("Choose check in or check out."), code="kind", conflict=False)
    if data.place not in Place.values:
        raise PunchRefused(
            _("Choose Home or Community."), code="place", field="place", conflict=False
        )
    if data.punched_at.tzinfo is None:
        raise PunchRefused(
            _("The time of the punch needs its time zone."),
            code="time",
            field="punched_at",
            conflict=False,
        )
    if not EARLIEST <= data.punched_at <= LATEST:
        raise PunchRefused(
            _("The time of the punch is not a real date: check the phone's clock."),
            code="time",
            field="punched_at",
            conflict=False,
        )
    if data.program not in Program.values:
        raise PunchRefused(
            _("Choose IHSS or WPCS."), code="program", field="program", conflict=False
        )


def _position(data: PunchInput) -> tuple[str, rules.Fix | None]:
    """What is kept of the position: nothing for Community (never asked, and anything
    sent is dropped), the fix for Home when there is a usable one."""
    if data.place != Place.HOME:
        return Position.NOT_ASKED, None
    if (
        data.latitude is not None
        and data.longitude is not None
        and rules.valid_coordinates(data.latitude, data.longitude)
    ):
        accuracy = max(0, int(data.accuracy_m or 0))
        return Position.FIX, rules.Fix(
            Decimal(data.latitude).quantize(Decimal("0.000001")),
            Decimal(data.longitude).quantize(Decimal("0.000001")),
            accuracy,
        )
    if data.position == Position.DENIED:
        return Position.DENIED, None
    return Position.UNAVAILABLE, None


def record(
    *, provider: Provider, data: PunchInput, by: User, channel: str = Channel.APP
) -> Outcome:
    """Record one punch, or answer with the one already recorded under its id."""
    _check_input(data)
    known = _known(provider, data.phone_id)
    if known is not None:
        return known
    day = _local_day(data.punched_at)
    try:
        with transaction.atomic():
            # One provider's punches one at a time: the same id is inserted once, and a
            # check-out finds the check-in recorded just before it.
            Provider.objects.select_for_update().only("pk").get(pk=provider.pk)
            known = _known(provider, data.phone_id)
            if known is not None:
                return known
            _check_assignment(provider, data, day)
            refusal = visits.day_refusal(provider.pk, data.recipient_id, data.program, day)
            if refusal:
                raise PunchRefused(str(refusal), code="day_sent")
            punch = _insert(provider=provider, data=data, by=by, channel=channel)
            visit = _attach(punch, day=day)
            audit.record(
                actor=by,
                action=f"evv.check_{'in' if punch.kind == Punch.Kind.CHECK_IN else 'out'}",
                subject=visit,
                after={"punch": str(punch.phone_id), "place": punch.place, "range": punch.range},
            )
            return Outcome(data.phone_id, punch, visit)
    except IntegrityError:
        # Only a punch id used by another provider gets here (the lock orders the rest).
        known = _known(provider, data.phone_id)
        if known is not None:
            return known
        raise PunchRefused(
            _("This punch id is already used. Update the app and try again."),
            code="id_taken",
        ) from None


def _known(provider: Provider, phone_id: uuid.UUID) -> Outcome | None:
    punch = Punch.objects.filter(phone_id=phone_id).first()
    if punch is None:
        return None
    if punch.provider_id != provider.pk:
        raise PunchRefused(
            _("This punch id is already used. Update the app and try again."), code="id_taken"
        )
    visit = (
        Visit.objects.filter(check_in=punch).first()
        or Visit.objects.filter(check_out=punch).first()
    )
    return Outcome(phone_id, punch, visit, duplicate=True)


def _insert(*, provider: Provider, data: PunchInput, by: User, channel: str) -> Punch:
    now = timezone.now()
    values = parameters(rules.PARAMETERS, on=_local_day(now))
    position, fix = _position(data)
    home = _home_of(data.recipient_id) if fix is not None else None
    verdict = rules.range_of(fix, home, tolerance_m=values["evv_range_tolerance_meters"])
    return Punch.objects.create(
        phone_id=data.phone_id,
        provider=provider,
        recipient_id=data.recipient_id,
        program=data.program,
        kind=data.kind,
        place=data.place,
        punched_at=data.punched_at,
        received_at=now,
        position=position,
        latitude=fix.latitude if fix else None,
        longitude=fix.longitude if fix else None,
        accuracy_m=fix.accuracy_m if fix else None,
        distance_m=verdict.distance_m,
        range=verdict.range,
        implausible_time=rules.implausible_time(
            data.punched_at,
            now,
            ahead_minutes=values["evv_clock_ahead_minutes"],
            max_age_minutes=values["evv_punch_max_age_minutes"],
        ),
        channel=channel,
        made_by=by,
    )


def _home_of(recipient_id: int) -> tuple[Decimal, Decimal] | None:
    row = Recipient.objects.filter(pk=recipient_id).values_list("latitude", "longitude").first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return row[0], row[1]


def _attach(punch: Punch, *, day: dt.date) -> Visit:
    """A check-in opens a visit; a check-out closes the open one it follows, or makes a
    visit of its own when there is none."""
    county_id = Recipient.objects.values_list("county_id", flat=True).get(pk=punch.recipient_id)
    if punch.kind == Punch.Kind.CHECK_OUT:
        visit = (
            Visit.objects.select_for_update()
            .filter(
                provider_id=punch.provider_id,
                recipient_id=punch.recipient_id,
                program=punch.program,
                check_in__isnull=False,
                check_out__isnull=True,
                started_at__lte=punch.punched_at,
                started_at__gte=punch.punched_at - PAIRING_WINDOW,
            )
            .order_by("-started_at")
            .first()
        )
        if visit is not None:
            visit.check_out = punch
            if not visit.corrected or visit.ended_at is None:
                visit.ended_at = punch.punched_at
            refresh_flags(visit)
            visit.save(update_fields=["check_out", "ended_at", "flags"])
            return visit
        visit = Visit(
            provider_id=punch.provider_id,
            recipient_id=punch.recipient_id,
            program=punch.program,
            county_id=county_id,
            day=day,
            place=punch.place,
            check_out=punch,
            ended_at=punch.punched_at,
        )
    else:
        visit = Visit(
            provider_id=punch.provider_id,
            recipient_id=punch.recipient_id,
            program=punch.program,
            county_id=county_id,
            day=day,
            place=punch.place,
            check_in=punch,
            started_at=punch.punched_at,
        )
    refresh_flags(visit)
    visit.save()
    return visit


def refresh_flags(visit: Visit) -> None:
    punches = [p for p in (visit.check_in, visit.check_out) if p is not None]
    visit.flags = rules.flags_for(
        place=visit.place,
        ranges=[p.range for p in punches],
        positions=[p.position for p in punches],
        implausible=any(p.implausible_time for p in punches),
        has_check_in=visit.check_in_id is not None,
        has_check_out=visit.check_out_id is not None or visit.ended_at is not None,
        corrected=visit.corrected,
    )


def sync(
    *, provider: Provider, batch: Sequence[PunchInput], by: User, channel: str = Channel.APP
) -> list[Outcome]:
    """Record a batch of punches kept on the phone, oldest first; each answered on its own
    (in the order sent), each committed on its own: a punch recorded stays recorded
    whatever happens to the rest of the upload."""
    outcomes: dict[uuid.UUID, Outcome] = {}
    for data in sorted(batch, key=lambda d: (d.punched_at, d.kind != Punch.Kind.CHECK_IN)):
        if data.phone_id in outcomes:
            continue
        try:
            outcomes[data.phone_id] = record(provider=provider, data=data, by=by, channel=channel)
        except ServiceRefused as refused:
            outcomes[data.phone_id] = Outcome(data.phone_id, None, None, refusal=refused)
    return [outcomes[d.phone_id] for d in _unique(batch)]


def _unique(batch: Iterable[PunchInput]) -> list[PunchInput]:
    seen: set[uuid.UUID] = set()
    kept = []
    for data in batch:
        if data.phone_id not in seen:
            seen.add(data.phone_id)
            kept.append(data)
    return kept
