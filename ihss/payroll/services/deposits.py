"""Direct deposit: enroll, change, cancel, and what the payroll issuer reads.

A provider asks for their pay for one recipient, or for all of them (an "all"
enrollment applies to the recipients without one of their own), to go to a bank
account. The request waits: it is used for payments issued on or after the day asked +
`direct_deposit_wait_days`, and only once a prenote (a zero-dollar test entry in a NACHA
file) was sent for it `direct_deposit_prenote_days` before. Until then the scope's
previous account stays in use, or, with none, the pay goes by check (a warrant). A
cancellation takes effect at once: from that day the scope's pay goes by check, or to
the "all" account when a recipient's own is cancelled.

Every change sends the provider the security notice DIRECT_DEPOSIT_CHANGED by email and
text (ihss/notifications/events.py: `every_channel`), with the last four digits only.
The account number is never logged, audited or put in a notice: audit events carry the
masked number.

The issuer's interface is set-based (a few queries for the whole state, none per
provider): `accounts_for_payment`, `account_for`, `prenotes_due`, `mark_prenotes_sent`,
`mark_used` and `dis_enroll_unused`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import ExpressionWrapper, F, Q, QuerySet, TextField
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import Membership, Role
from ihss.cases.models import Provider, Recipient
from ihss.core import audit
from ihss.core.crypto import decrypt_stored
from ihss.core.lookups import among
from ihss.core.models import AuditEvent
from ihss.core.parameters import parameter, parameters
from ihss.core.refusals import FieldProblem, ServiceRefused
from ihss.notifications.events import Event
from ihss.notifications.services import Notice, notify, notify_many
from ihss.payroll.models.deposits import DirectDeposit, masked
from ihss.payroll.routing import routing_number_valid

WAIT_DAYS = "direct_deposit_wait_days"
PRENOTE_DAYS = "direct_deposit_prenote_days"
UNUSED_DAYS = "direct_deposit_unused_days"

ENROLLED = "payroll.deposit.enrolled"
CHANGED = "payroll.deposit.changed"
CANCELLED = "payroll.deposit.cancelled"
DIS_ENROLLED = "payroll.deposit.dis_enrolled"

ACCOUNT_MIN_DIGITS = 4  # the shortest and longest account numbers a NACHA entry carries
ACCOUNT_MAX_DIGITS = 17  # (the DFI account number field is 17 characters)

Person = Any  # a signed-in user (accounts.User)


class DepositRefused(ServiceRefused):
    """What was sent cannot be a bank account; `problems` names each wrong field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        first = problems[0]
        super().__init__(first.message, field=first.field, conflict=False, code="invalid")
        self.problems = problems


@dataclass(frozen=True)
class DepositAccount:
    """The account a payment goes to, as the NACHA writer needs it (clear number)."""

    enrollment_id: int
    provider_id: int
    recipient_id: int | None  # None = all recipients
    routing_number: str
    account_number: str
    account_type: str  # "checking" | "savings"

    def __repr__(self) -> str:  # never the number, even in a traceback or a log
        return (
            f"DepositAccount(enrollment_id={self.enrollment_id}, provider_id={self.provider_id}, "
            f"recipient_id={self.recipient_id}, account={masked(self.account_number[-4:])})"
        )


@dataclass(frozen=True)
class Change:
    """What a request did: the enrollment it made or found, and whether anything changed."""

    enrollment: DirectDeposit | None
    changed: bool


# --- Checking what was typed ------------------------------------------------------------


def account_problems(
    *, routing_number: str, account_number: str, account_type: str
) -> list[FieldProblem]:
    """Every reason what was typed cannot be a bank account, in the person's language."""
    problems = []
    if not (len(routing_number) == 9 and routing_number.isascii() and routing_number.isdigit()):
        problems.append(
            FieldProblem(
                "routing_number",
                _("A routing number has 9 digits. It is printed at the bottom left of a check."),
            )
        )
    elif not routing_number_valid(routing_number):
        problems.append(
            FieldProblem(
                "routing_number",
                _(
                    "This is not a bank routing number: its last digit does not match the "
                    "others. Check each digit against your check or your bank."
                ),
            )
        )
    if not (
        account_number.isascii()
        and account_number.isdigit()
        and ACCOUNT_MIN_DIGITS <= len(account_number) <= ACCOUNT_MAX_DIGITS
    ):
        problems.append(
            FieldProblem(
                "account_number",
                _("An account number has %(low)d to %(high)d digits, with no spaces or dashes.")
                % {"low": ACCOUNT_MIN_DIGITS, "high": ACCOUNT_MAX_DIGITS},
            )
        )
    if account_type not in DirectDeposit.AccountType.values:
        problems.append(FieldProblem("account_type", _("Choose checking or savings.")))
    return problems


# --- What is in force -------------------------------------------------------------------


def wait_days(*, on: dt.date) -> int:
    """Days from a request to the first payment it may receive, as in force on a day."""
    return parameter(WAIT_DAYS, on=on)


def ready_on(enrollment: DirectDeposit, *, prenote_days: int) -> dt.date | None:
    """The first day a payment may be issued to the enrollment (its wait over and its
    prenote old enough), or None while no prenote was sent."""
    if enrollment.prenote_sent_on is None:
        return None
    return max(
        enrollment.effective_on, enrollment.prenote_sent_on + dt.timedelta(days=prenote_days)
    )


def _ready(enrollment: DirectDeposit, on: dt.date, prenote_days: int) -> bool:
    first = ready_on(enrollment, prenote_days=prenote_days)
    return first is not None and first <= on and not enrollment.stopped_by_day(on)


def _newest_first(rows: Iterable[DirectDeposit]) -> list[DirectDeposit]:
    return sorted(rows, key=lambda e: (e.requested_at, e.pk), reverse=True)


def state_of(
    enrollment: DirectDeposit,
    scope_rows: Iterable[DirectDeposit],
    *,
    on: dt.date,
    prenote_days: int,
) -> str:
    """The enrollment's state on a day, among the enrollments of its scope (the same
    provider and recipient, or "all")."""
    if enrollment.stopped_by_day(on):
        if enrollment.stop_reason == DirectDeposit.Stop.REPLACED:
            return DirectDeposit.State.REPLACED
        return DirectDeposit.State.CANCELLED
    if not _ready(enrollment, on, prenote_days):
        return DirectDeposit.State.PENDING
    in_force = next((e for e in _newest_first(scope_rows) if _ready(e, on, prenote_days)), None)
    if in_force is not None and in_force.pk != enrollment.pk:
        return DirectDeposit.State.REPLACED
    return DirectDeposit.State.ACTIVE


def states_on(rows: Iterable[DirectDeposit], *, on: dt.date) -> dict[int, str]:
    """The state of each enrollment of a provider (or several) on a day."""
    rows = list(rows)
    prenote_days = parameter(PRENOTE_DAYS, on=on)
    by_scope: dict[tuple[int, int | None], list[DirectDeposit]] = {}
    for row in rows:
        by_scope.setdefault((row.provider_id, row.recipient_id), []).append(row)
    return {
        row.pk: state_of(
            row, by_scope[(row.provider_id, row.recipient_id)], on=on, prenote_days=prenote_days
        )
        for row in rows
    }


def _account(row: DirectDeposit) -> DepositAccount:
    return DepositAccount(
        enrollment_id=row.pk,
        provider_id=row.provider_id,
        recipient_id=row.recipient_id,
        routing_number=row.routing_number,
        account_number=row.account_number,
        account_type=row.account_type,
    )


class SealedAccount(NamedTuple):
    """An account in force, its number still as stored (encrypted)."""

    enrollment_id: int
    provider_id: int
    recipient_id: int | None
    routing_number: str
    stored_number: str
    account_type: str


def sealed_accounts_for_payment(
    *, on: dt.date, provider_ids: Collection[int] | None = None, prenote_days: int | None = None
) -> dict[tuple[int, int | None], SealedAccount]:
    """`accounts_for_payment` with each number left as stored, to be opened with
    `opened` (where and when the caller decrypts them). `prenote_days`: the parameter in
    force on `on`, for a caller that asks a chunk of providers at a time."""
    if prenote_days is None:
        prenote_days = parameter(PRENOTE_DAYS, on=on)
    rows = DirectDeposit.objects.filter(
        Q(stopped_on__isnull=True) | Q(stopped_on__gt=on),
        effective_on__lte=on,
        prenote_sent_on__lte=on - dt.timedelta(days=prenote_days),
    )
    wanted = None if provider_ids is None else frozenset(provider_ids)
    if wanted is not None:
        rows = rows.filter(among("provider_id", wanted))
    found: dict[tuple[int, int | None], SealedAccount] = {}
    # Newest request first: the first row seen for a scope is the one in force. Plain
    # rows, not instances: a state's issue reads about half a million; the number as
    # stored (a plain text column to Django, so it is not decrypted on the way).
    plain = (
        rows.order_by("-requested_at", "-id")
        .annotate(stored=ExpressionWrapper(F("account_number"), output_field=TextField()))
        .values_list(
            "pk", "provider_id", "recipient_id", "routing_number", "stored", "account_type"
        )
    )
    # A chunk of providers (the issue asks 5,000 at a time) in one round trip; everyone's
    # a few thousand rows at a time.
    for pk, provider, recipient, routing, stored, kind in (
        plain if wanted is not None else plain.iterator(chunk_size=5000)
    ):
        if (provider, recipient) not in found and (wanted is None or provider in wanted):
            found[(provider, recipient)] = SealedAccount(
                pk, provider, recipient, routing, stored, kind
            )
    return found


def opened(
    sealed: Mapping[tuple[int, int | None], SealedAccount], numbers: Sequence[str] | None = None
) -> dict[tuple[int, int | None], DepositAccount]:
    """The accounts of `sealed` with their numbers in clear: `numbers`, in its order, when
    the caller decrypted them elsewhere; else decrypted here."""
    if numbers is None:
        numbers = [decrypt_stored(account.stored_number) for account in sealed.values()]
    return {
        scope: DepositAccount(
            account.enrollment_id,
            account.provider_id,
            account.recipient_id,
            account.routing_number,
            number,
            account.account_type,
        )
        for (scope, account), number in zip(sealed.items(), numbers, strict=True)
    }


def accounts_for_payment(
    *, on: dt.date, provider_ids: Collection[int] | None = None
) -> dict[tuple[int, int | None], DepositAccount]:
    """The account in force for payments issued on `on`, per (provider, recipient or
    None for "all"); a scope absent is paid by check. One query (plus the parameter)."""
    return opened(sealed_accounts_for_payment(on=on, provider_ids=provider_ids))


def account_for(
    accounts: Mapping[tuple[int, int | None], DepositAccount],
    provider_id: int,
    recipient_id: int | None,
) -> DepositAccount | None:
    """Where a payment for work for a recipient goes: the provider's account for that
    recipient, else their account for all recipients, else None (a check)."""
    own = accounts.get((provider_id, recipient_id)) if recipient_id is not None else None
    return own or accounts.get((provider_id, None))


def prenotes_due(*, on: dt.date) -> list[DepositAccount]:
    """The enrollments asked for by `on`, not stopped, that still need a prenote."""
    rows = DirectDeposit.objects.filter(
        Q(stopped_on__isnull=True) | Q(stopped_on__gt=on),
        prenote_sent_on__isnull=True,
        requested_on__lte=on,
    ).order_by("provider_id", "id")
    return [_account(row) for row in rows.iterator(chunk_size=5000)]


def mark_prenotes_sent(*, enrollment_ids: Collection[int], run_id: int, on: dt.date) -> None:
    """Record that a run's file carried the prenotes of these enrollments. Idempotent:
    an enrollment keeps the first run and day its prenote went in."""
    ids = list(enrollment_ids)
    if not ids:
        return
    with transaction.atomic():
        DirectDeposit.objects.filter(pk__any_of=ids, prenote_sent_on__isnull=True).update(
            prenote_sent_on=on, prenote_run_id=run_id
        )


def mark_used(*, enrollment_ids: Collection[int], on: dt.date) -> None:
    """Record that a payment issued on `on` went to these enrollments (for the 60-day
    dis-enrollment). Idempotent; a later day never goes back to an earlier one."""
    if enrollment_ids:
        used_before(enrollment_ids=enrollment_ids, on=on).update(last_used_on=on)


def used_before(*, enrollment_ids: Collection[int], on: dt.date) -> QuerySet[DirectDeposit]:
    """Those of the enrollments whose last use `mark_used` would move to `on` (a caller
    updating them in its own way: the issue, while it writes the payment file)."""
    return DirectDeposit.objects.filter(pk__any_of=frozenset(enrollment_ids)).filter(
        Q(last_used_on__isnull=True) | Q(last_used_on__lt=on)
    )


def dis_enroll_unused(*, on: dt.date, last_paid: Mapping[int, dt.date] | None = None) -> int:
    """End each recipient's enrollment in force with no payment for
    `direct_deposit_unused_days` (ihss-facts 5.4: 60 days without a payment for a
    recipient dis-enrolls that recipient's direct deposit); returns how many ended.

    `last_paid` (enrollment id -> day of its last payment) is recorded first, as
    `mark_used` would. An enrollment never paid counts from the day it took effect.
    "All recipients" enrollments are not dis-enrolled. Each provider is told.
    """
    if last_paid:
        by_day: dict[dt.date, list[int]] = {}
        for enrollment_id, day in last_paid.items():
            by_day.setdefault(day, []).append(enrollment_id)
        for day, ids in by_day.items():
            mark_used(enrollment_ids=ids, on=day)
    values = parameters([UNUSED_DAYS, PRENOTE_DAYS], on=on)
    oldest = on - dt.timedelta(days=values[UNUSED_DAYS])
    candidates = DirectDeposit.objects.filter(
        Q(last_used_on__isnull=True) | Q(last_used_on__lte=oldest),
        stopped_on__isnull=True,
        recipient__isnull=False,
        prenote_sent_on__isnull=False,
    ).defer("account_number")
    ended: list[DirectDeposit] = []
    for row in candidates.iterator(chunk_size=5000):
        since = row.last_used_on or ready_on(row, prenote_days=values[PRENOTE_DAYS])
        if since is not None and since <= oldest:
            ended.append(row)
    if not ended:
        return 0
    with transaction.atomic():
        count = DirectDeposit.objects.filter(
            pk__in=[row.pk for row in ended], stopped_on__isnull=True
        ).update(stopped_on=on, stop_reason=DirectDeposit.Stop.UNUSED)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=None,
                actor_name=audit.actor_name(None),
                action=DIS_ENROLLED,
                subject_type=row._meta.label_lower,
                subject_id=str(row.pk),
                subject_label=str(row)[:200],
                before={"stopped_on": None},
                after={"stopped_on": on.isoformat(), "stop_reason": DirectDeposit.Stop.UNUSED},
                reason=f"No payment for {values[UNUSED_DAYS]} days",
            )
            for row in ended
        )
        users = _provider_users([row.provider_id for row in ended])
        notify_many(
            event=Event.DIRECT_DEPOSIT_CHANGED,
            notices=(
                Notice(
                    user=user,
                    context=_notice_context(row, change="unused", on=on, days=values[UNUSED_DAYS]),
                    key=f"deposit:{row.pk}:unused",
                    link=reverse("payroll:deposits"),
                )
                for row in ended
                for user in users.get(row.provider_id, [])
            ),
        )
    return count


# --- The provider's changes -------------------------------------------------------------


def _provider_users(provider_ids: Iterable[int]) -> dict[int, list[Any]]:
    users: dict[int, list[Any]] = {}
    memberships = Membership.objects.filter(
        role=Role.PROVIDER, provider_id__in=set(provider_ids), user__is_active=True
    ).select_related("user")
    for membership in memberships:
        assert membership.provider_id is not None
        users.setdefault(membership.provider_id, []).append(membership.user)
    return users


def _notice_context(
    row: DirectDeposit, *, change: str, on: dt.date, days: int = 0
) -> dict[str, Any]:
    return {
        **({"days": days} if days else {}),
        "change": change,
        "account_last4": row.account_last4,
        "changed_on": on.isoformat(),
        "effective_on": row.effective_on.isoformat(),
        "recipient_name": row.recipient.full_name if row.recipient_id else "",  # type: ignore[union-attr]
    }


def _tell(row: DirectDeposit, *, change: str, on: dt.date) -> None:
    for user in _provider_users([row.provider_id]).get(row.provider_id, []):
        notify(
            user=user,
            event=Event.DIRECT_DEPOSIT_CHANGED,
            context=_notice_context(row, change=change, on=on),
            key=f"deposit:{row.pk}:{change}",
            link=reverse("payroll:deposits"),
        )


def _snapshot(row: DirectDeposit) -> dict[str, Any]:
    """What an audit event keeps of an enrollment: never the account number."""
    return {
        "recipient": row.recipient_id,
        "routing_number": row.routing_number,
        "account": row.masked_account,
        "account_type": row.account_type,
        "effective_on": row.effective_on.isoformat(),
    }


def _open_in_scope(provider: Provider, recipient: Recipient | None) -> list[DirectDeposit]:
    return _newest_first(
        DirectDeposit.objects.filter(
            provider=provider, recipient=recipient, stopped_on__isnull=True
        ).select_related("recipient")
    )


def enroll(
    *,
    provider: Provider,
    recipient: Recipient | None,
    routing_number: str,
    account_number: str,
    account_type: str,
    by: Person,
    now: dt.datetime | None = None,
) -> Change:
    """Ask for the provider's pay (for one recipient, or for all with `recipient` None)
    to go to an account. Idempotent: asking again for the account the scope already has
    or waits for (a double tap, two tabs) changes nothing and answers that enrollment.
    A request still waiting is replaced by the new one; the account in use stays until
    the new one takes effect."""
    problems = account_problems(
        routing_number=routing_number, account_number=account_number, account_type=account_type
    )
    if problems:
        raise DepositRefused(problems)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # One change per provider at a time: two requests at once queue here.
        Provider.objects.select_for_update().only("pk").get(pk=provider.pk)
        open_rows = _open_in_scope(provider, recipient)
        latest = open_rows[0] if open_rows else None
        if (
            latest is not None
            and latest.routing_number == routing_number
            and latest.account_type == account_type
            and latest.account_number == account_number
        ):
            return Change(latest, changed=False)
        wait = parameter(WAIT_DAYS, on=today)
        prenote_days = parameter(PRENOTE_DAYS, on=today)
        for row in open_rows:
            if not _ready(row, today, prenote_days):
                # Never took effect: the newer request takes its place.
                row.stopped_on, row.stop_reason, row.stopped_by = (
                    today,
                    DirectDeposit.Stop.REPLACED,
                    by if getattr(by, "pk", None) else None,
                )
                row.save(update_fields=["stopped_on", "stop_reason", "stopped_by"])
        in_use = next((r for r in open_rows if _ready(r, today, prenote_days)), None)
        row = DirectDeposit.objects.create(
            provider=provider,
            recipient=recipient,
            routing_number=routing_number,
            account_number=account_number,
            account_last4=account_number[-4:],
            account_type=account_type,
            requested_at=now,
            requested_on=today,
            effective_on=today + dt.timedelta(days=wait),
            requested_by=by if getattr(by, "pk", None) else None,
        )
        changing = in_use is not None or bool(open_rows)
        audit.record(
            actor=by,
            action=CHANGED if changing else ENROLLED,
            subject=row,
            before=_snapshot(open_rows[0]) if open_rows else None,
            after=_snapshot(row),
        )
        _tell(row, change="changed" if changing else "enrolled", on=today)
    return Change(row, changed=True)


def cancel(
    *,
    provider: Provider,
    recipient: Recipient | None,
    by: Person,
    now: dt.datetime | None = None,
) -> Change:
    """Stop direct deposit for the scope at once: its pay goes by check from today (or,
    for one recipient, to the "all" account if there is one). Idempotent: cancelling a
    scope with nothing to cancel changes nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        Provider.objects.select_for_update().only("pk").get(pk=provider.pk)
        open_rows = _open_in_scope(provider, recipient)
        if not open_rows:
            return Change(None, changed=False)
        for row in open_rows:
            before = _snapshot(row)
            row.stopped_on, row.stop_reason, row.stopped_by = (
                today,
                DirectDeposit.Stop.CANCELLED,
                by if getattr(by, "pk", None) else None,
            )
            row.save(update_fields=["stopped_on", "stop_reason", "stopped_by"])
            audit.record(
                actor=by,
                action=CANCELLED,
                subject=row,
                before=before,
                after={**before, "stopped_on": today.isoformat()},
            )
        _tell(open_rows[0], change="cancelled", on=today)
    return Change(open_rows[0], changed=True)
