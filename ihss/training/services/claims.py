"""Confirming training-time claims: the provider chooses whose county wage applies (a
recipient they serve on the class's day), within the claim's deadline. A confirmed claim
is a payable item (ihss/training/payables.py), paid once by the next payroll run.

Training time is not paid for time the provider was checked in for care (issue 16): a
class that overlaps a visit (EVV, read through ihss/core/visits.py) is refused until the
visit's times are corrected. Live-in providers never check in, so it never applies to
them; a self-paced course has no class times, so it never overlaps."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.accounts.services import provider_accounts
from ihss.cases.models import Assignment
from ihss.core import audit, visits
from ihss.core.refusals import ServiceRefused
from ihss.notifications import services as notices
from ihss.notifications.events import Event
from ihss.training.models import TrainingClaim


class ClaimRefused(ServiceRefused):
    pass


def assignments_on(claim: TrainingClaim) -> QuerySet[Assignment]:
    """The provider's assignments in force on the class's day: whose wage may apply."""
    return (
        Assignment.objects.filter(provider_id=claim.provider_id, start_date__lte=claim.day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=claim.day))
        .select_related("recipient", "recipient__county")
        .order_by("recipient__last_name", "recipient__first_name", "pk")
    )


def _check_no_visit_during(claim: TrainingClaim) -> None:
    session = claim.attendance.registration.session
    if session is None:
        return
    overlaps = visits.overlapping_visits(claim.provider_id, session.starts_at, session.ends_at)
    if not overlaps:
        return
    first = overlaps[0]
    ended = (
        date_format(timezone.localtime(first.end), "TIME_FORMAT")
        if first.end is not None
        else _("not checked out")
    )
    raise ClaimRefused(
        _(
            "You were checked in for care from %(start)s to %(end)s, during this class. "
            "Training time cannot be paid for time you were checked in for care. If those "
            "check-in times are wrong, correct them on your visits first, then confirm."
        )
        % {"start": date_format(timezone.localtime(first.start), "TIME_FORMAT"), "end": ended},
        code="overlaps_visit",
    )


def confirm(*, claim: TrainingClaim, assignment_id: int | None, by: User | None) -> TrainingClaim:
    """Confirm a ready claim at the wage of one of the provider's recipients. Confirming
    twice answers with the confirmed claim."""
    with transaction.atomic():
        claim = TrainingClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status == TrainingClaim.Status.CONFIRMED:
            return claim
        if claim.status != TrainingClaim.Status.READY or timezone.localdate() > claim.confirm_by:
            raise ClaimRefused(
                _("This claim could not be confirmed after %(day)s.")
                % {"day": claim.confirm_by.isoformat()},
                code="claim_expired",
            )
        _check_no_visit_during(claim)
        choices = list(assignments_on(claim))
        if not choices:
            raise ClaimRefused(
                _(
                    "Training time is paid at the wage of a recipient you serve, and you "
                    "served no recipient on the day of the class. Call your county IHSS office."
                ),
                code="no_recipient",
            )
        chosen: Assignment | None = (
            choices[0]
            if assignment_id is None and len(choices) == 1
            else next((a for a in choices if a.pk == assignment_id), None)
        )
        if chosen is None:
            raise ClaimRefused(
                _("Choose the recipient whose county wage applies."),
                code="choose_recipient",
                field="assignment",
                conflict=False,
            )
        claim.recipient = chosen.recipient
        claim.program = chosen.program
        claim.status = TrainingClaim.Status.CONFIRMED
        claim.confirmed_at = timezone.now()
        claim.save(update_fields=["recipient", "program", "status", "confirmed_at"])
        audit.record(
            actor=by,
            action="training.claim_confirmed",
            subject=claim,
            after={"minutes": claim.minutes, "recipient": chosen.recipient_id},
        )
        return claim


def remind_due(*, on: dt.date, days_before: int) -> int:
    """Remind each provider whose training-time claim is still to confirm and whose
    deadline is `days_before` days after `on` (once a claim: a rerun sends nothing more)."""
    due = TrainingClaim.objects.filter(
        status=TrainingClaim.Status.READY, confirm_by=on + dt.timedelta(days=days_before)
    ).select_related("course")
    count = 0
    for claim in due:
        for user in provider_accounts(claim.provider_id):
            notices.notify(
                user=user,
                event=Event.TRAINING_CLAIM_DUE,
                context={
                    "course": claim.course.title,
                    "minutes": claim.minutes,
                    "confirm_by": claim.confirm_by.isoformat(),
                },
                key=f"claim-due-{claim.pk}",
                link=reverse("training:mine"),
            )
        count += 1
    return count
