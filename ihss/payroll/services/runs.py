"""Payroll runs: start, calculate (resumable), approve.

Calculation is set-based. The sources of pay stream their items (ihss/core/payables.py)
merged in one order: provider, day, start time. The run walks that stream one provider at
a time, computes the provider's lines with the pure rules (ihss/payroll/rules/pay.py) and
withholdings (services/stubs.py), and writes stubs, lines, deductions and the paid
documents of a batch of providers in one transaction with the bulk writer. On
PostgreSQL the providers are split into ranges calculated side by side, a forked process
each (ADR 0020). After each batch it records the last provider written in its range: a
run stopped at any point (a crash, kill -9) resumes each range after it, and the batch
that was being written is simply written again, since nothing of it was kept. A document
is paid once because `PaidSource` is unique: a second run at the same time fails its
batch instead of paying twice.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, cast

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import User
from ihss.cases.models import Provider
from ihss.core import audit, bulk, garbage, parameters, payables
from ihss.core.models import PaidSource
from ihss.core.refusals import ServiceRefused
from ihss.payroll.models import Deduction, PayLine, PayrollRun, Paystub, ShareOfCostPaid, WageRate
from ihss.payroll.rules.pay import (
    NoRate,
    PayPolicy,
    RateBook,
    WageTerm,
    Work,
    provider_lines,
    rate_schedule,
    week_start,
)
from ihss.payroll.services import stubs

Progress = Callable[[int, int], None]
# The years a run may pay: the portal's first timesheets to far beyond any real one (and
# short of the calendar's end, which a period's last day must not pass).
FIRST_YEAR, LAST_YEAR = 2000, 9998


class RunRefused(ServiceRefused):
    pass


def pay_period(start: dt.date) -> tuple[dt.date, dt.date]:
    """The pay period starting on `start` (the 1st or the 16th), as (start, end)."""
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise RunRefused(
            _("There is no pay period to run in %(year)s.") % {"year": start.year},
            code="not_a_period",
            field="period_start",
            conflict=False,
        )
    if start.day == 1:
        return start, start.replace(day=15)
    if start.day == 16:
        following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    raise RunRefused(
        _("A pay period starts on the 1st or the 16th of a month."),
        code="not_a_period",
        field="period_start",
        conflict=False,
    )


@transaction.atomic
def start_run(*, period_start: dt.date, by: User | None, today: dt.date) -> PayrollRun:
    """The run of the pay period starting on `period_start`, made if it does not exist.

    Pressing "Start" twice, or two administrators at once, give the same run. A period can
    be paid once it has ended.
    """
    start, end = pay_period(period_start)
    if end >= today:
        raise RunRefused(
            _("The pay period ends on %(end)s: it can be paid from the day after.")
            % {"end": end.isoformat()},
            code="period_not_ended",
            field="period_start",
            conflict=False,
        )
    run, made = PayrollRun.objects.get_or_create(
        period_start=start, defaults={"period_end": end, "created_by": by}
    )
    if made:
        audit.record(actor=by, action="payroll.run_started", subject=run)
    return run


@dataclass
class _Claim:
    run: PayrollRun
    worker: str


def _claim(run_id: int, *, take_over: bool, processes: int = 1) -> _Claim | None:
    """Make this process the one calculating the run; None when there is nothing to do.
    A run calculated for the first time is split into `processes` ranges of providers."""
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (PayrollRun.Status.DRAFT, PayrollRun.Status.CALCULATING):
            return None
        stale = timezone.now() - dt.timedelta(seconds=settings.PAYROLL_STALE_SECONDS)
        busy = PayrollRun.objects.filter(
            status=PayrollRun.Status.CALCULATING, progress_at__gt=stale
        ).exclude(pk=run.pk)
        if busy.exists():
            raise RunRefused(
                _("Another payroll run is being calculated. Try again when it has finished."),
                code="another_run_busy",
            )
        fresh = run.progress_at is not None and run.progress_at > stale
        if run.status == PayrollRun.Status.CALCULATING and fresh and not take_over:
            raise RunRefused(
                _("This run is being calculated. Its progress is shown on its page."),
                code="run_busy",
            )
        if run.since is None:
            owed = payables.unpaid(through=run.period_end)
            run.since = week_start(owed.first_day) if owed else run.period_start
            run.total = owed.providers if owed else 0
            run.started_at = timezone.now()
            run.parts = _ranges(processes)
        elif not run.parts:  # begun before runs had parts
            last = run.last_provider_id
            run.parts = [{"after": 0, "through": None, "last": last, "done": False}]
        run.status = PayrollRun.Status.CALCULATING
        run.worker = uuid.uuid4().hex
        run.progress_at = timezone.now()
        run.save()
        return _Claim(run, run.worker)


def _ranges(count: int) -> list[dict[str, Any]]:
    """`count` ranges of provider keys, about as many providers in each."""
    cuts: list[int] = []
    if count > 1:
        providers = Provider.objects.count()
        keys = Provider.objects.order_by("pk").values_list("pk", flat=True)
        for index in range(1, count):
            position = providers * index // count
            cuts.extend(keys[position : position + 1])
    parts: list[dict[str, Any]] = []
    after = 0
    for through in [*sorted(set(cuts)), None]:
        parts.append({"after": after, "through": through, "last": after, "done": False})
        after = through or 0
    return parts


def rate_book() -> RateBook:
    """Every county's wage schedule, with the state minimum wage's history."""
    minimum = parameters.history("state_minimum_wage")
    terms: dict[int, list[WageTerm]] = {}
    for rate in WageRate.objects.all():
        terms.setdefault(rate.county_id, []).append(
            WageTerm(
                rate.effective_from,
                rate.hourly_cents if rate.basis == WageRate.Basis.FIXED else None,
                rate.supplement_cents if rate.basis == WageRate.Basis.MINIMUM_PLUS else None,
            )
        )
    return RateBook({county: rate_schedule(t, minimum) for county, t in terms.items()})


_PAID = itemgetter(12)  # PayableItem.paid


def calculate(
    *, run: PayrollRun, progress: Progress | None = None, take_over: bool = False
) -> PayrollRun:
    """Calculate every stub of the run, resuming where an earlier attempt stopped.

    A run already calculated (or further) is returned unchanged: a rerun changes nothing.
    """
    side_by_side = (
        settings.PAYROLL_PROCESSES > 1
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )
    claim = _claim(
        run.pk, take_over=take_over, processes=settings.PAYROLL_PROCESSES if side_by_side else 1
    )
    if claim is None:
        run.refresh_from_db()
        return run
    run = claim.run
    assert run.since is not None
    policy = PayPolicy.from_parameters(parameters.parameters(PayPolicy.keys(), on=run.period_end))
    book = rate_book()
    pending = [index for index, part in enumerate(run.parts) if not part["done"]]
    if side_by_side and len(pending) > 1:
        _calculate_side_by_side(claim, pending, policy, book, progress)
    else:
        for index in pending:
            _calculate_part(claim, index, policy, book, progress)
    return _finish(claim)


def _calculate_part(
    claim: _Claim, index: int, policy: PayPolicy, book: RateBook, progress: Progress | None
) -> None:
    """Calculate one range of providers, a batch at a time, after its last one written."""
    with garbage.fewer_collections():
        _calculate_batches(claim, index, policy, book, progress)


def _calculate_batches(
    claim: _Claim, index: int, policy: PayPolicy, book: RateBook, progress: Progress | None
) -> None:
    run = claim.run
    assert run.since is not None
    part = run.parts[index]
    providers = payables.provider_items(
        since=run.since,
        through=run.period_end,
        after_provider=part["last"],
        through_provider=part["through"],
    )
    batch: list[stubs.ProviderPay] = []
    held: dict[tuple[int, str], int] = {}  # providers held since the last batch written
    size = settings.PAYROLL_BATCH_PROVIDERS
    for items in providers:
        if all(map(_PAID, items)):
            continue
        try:
            # The rules' Work has a payable item's fields, in its order: the items as they are.
            lines = provider_lines(cast("list[Work]", items), policy=policy, rate=book.rate)
        except NoRate as missing:
            key = (int(str(missing.county)), missing.day.replace(day=1).isoformat())
            held[key] = held.get(key, 0) + 1
            continue
        documents = {(i.source, i.document_id) for i in items if not i.paid}
        batch.append(stubs.ProviderPay(items[0].provider_id, lines, documents))
        if len(batch) >= size:
            _write(claim, index, batch, held)
            if progress:
                progress(claim.run.processed, claim.run.total)
            batch, held = [], {}
    _write(claim, index, batch, held, done=True)


def _calculate_side_by_side(
    claim: _Claim,
    pending: list[int],
    policy: PayPolicy,
    book: RateBook,
    progress: Progress | None,
) -> None:
    """Calculate the pending ranges at once, each in a process of its own (forked, with its
    own database connection), and follow their progress on the run until all have ended.
    A range that fails stops the others; what they wrote stays, and calculating again
    resumes each range after its last batch."""
    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    errors = context.SimpleQueue()
    children = [
        context.Process(
            target=_child,
            args=(claim, index, policy, book, errors),
            name=f"payroll-run-{claim.run.pk}-part-{index}",
        )
        for index in pending
    ]
    try:
        for child in children:
            child.start()
        while any(child.is_alive() for child in children):
            if any(child.exitcode not in (None, 0) for child in children):
                break  # one failed: stop the others
            time.sleep(SIDE_BY_SIDE_POLL_SECONDS)
            if progress:
                run = PayrollRun.objects.get(pk=claim.run.pk)
                progress(run.processed, run.total)
    finally:
        for child in children:
            if child.is_alive() and any(c.exitcode not in (None, 0) for c in children):
                child.terminate()
        for child in children:
            if child.pid is not None:
                child.join()
    if not errors.empty():
        code, message = errors.get()
        if code:
            raise RunRefused(message, code=code)
        raise RuntimeError(message)
    if any(child.exitcode != 0 for child in children):
        raise RuntimeError("A part of the payroll calculation stopped.")
    claim.run = PayrollRun.objects.get(pk=claim.run.pk)
    if progress:  # the ranges may all end before the first look
        progress(claim.run.processed, claim.run.total)


# How often the calculating process looks at the progress of the ranges it started.
SIDE_BY_SIDE_POLL_SECONDS = 0.5


def _child(
    claim: _Claim, index: int, policy: PayPolicy, book: RateBook, errors: Any
) -> None:  # pragma: no cover (runs in a forked process; its effects are tested)
    status = 0
    try:
        _calculate_part(claim, index, policy, book, None)
    except BaseException as error:  # told to the parent, which raises it
        errors.put((getattr(error, "code", ""), str(error)))
        traceback.print_exc()
        status = 1
    finally:
        connections.close_all()
    os._exit(status)  # not the parent's exit handlers (a test runner's, a server's)


def _write(
    claim: _Claim,
    index: int,
    batch: list[stubs.ProviderPay],
    held: dict[tuple[int, str], int],
    *,
    done: bool = False,
) -> None:
    """Write one batch of a range's stubs and mark their documents paid, with the range's
    progress, atomically."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A batch is committed without waiting for the disk: if the machine stops just
            # after, the batch is lost together with the progress recorded in the same
            # transaction, and the run simply calculates it again. Nothing is paid before
            # the issue step, which waits for the disk as every other transaction does.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if batch:
            stubs.write(run=claim.run, batch=batch)
            now = timezone.now()
            bulk.insert_rows(
                PaidSource,
                ("source", "document_id", "run_id", "paid_at"),
                [
                    (source, document, claim.run.pk, now)
                    for pay in batch
                    for source, document in sorted(pay.documents)
                ],
            )
        # The run is locked only now, once the batch is written: ranges calculated side by
        # side wait for each other only to record their progress. A process whose claim
        # was taken over meanwhile writes nothing (its transaction is undone).
        run = PayrollRun.objects.select_for_update().get(pk=claim.run.pk)
        if run.worker != claim.worker or run.status != PayrollRun.Status.CALCULATING:
            raise RunRefused(
                _("Another process took this run over; this one stopped."), code="taken_over"
            )
        part = run.parts[index]
        if batch:
            part["last"] = batch[-1].provider_id
            run.processed += len(batch)
        part["done"] = done
        counts = {(h["county_id"], h["day"]): h["providers"] for h in run.held}
        for key, count in held.items():
            counts[key] = counts.get(key, 0) + count
        run.held = [
            {"county_id": county, "day": day, "providers": count}
            for (county, day), count in sorted(counts.items())
        ]
        run.progress_at = timezone.now()
        run.save(update_fields=["parts", "processed", "held", "progress_at"])
        claim.run = run


def _finish(claim: _Claim) -> PayrollRun:
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=claim.run.pk)
        if run.worker != claim.worker or run.status != PayrollRun.Status.CALCULATING:
            return run
        # The preview, the approval and the issue read what the ranges just wrote.
        bulk.analyze(Paystub, PayLine, Deduction, ShareOfCostPaid, PaidSource)
        totals = Paystub.objects.filter(run=run).aggregate(
            stubs=Count("pk"),
            gross=Sum("gross_cents"),
            deductions=Sum("deductions_cents"),
            soc=Sum("share_of_cost_cents"),
            net=Sum("net_cents"),
        )
        run.stub_count = totals["stubs"]
        run.gross_cents = totals["gross"] or 0
        run.deductions_cents = totals["deductions"] or 0
        run.share_of_cost_cents = totals["soc"] or 0
        run.net_cents = totals["net"] or 0
        run.total = max(run.total, run.processed)
        run.status = PayrollRun.Status.CALCULATED
        run.calculated_at = timezone.now()
        run.save()
        audit.record(
            actor=None,
            action="payroll.run_calculated",
            subject=run,
            after={"stubs": run.stub_count, "gross_cents": run.gross_cents},
        )
        return run


@transaction.atomic
def approve(*, run: PayrollRun, by: User) -> PayrollRun:
    """Approve a calculated run for issue. Approving twice answers with the same run."""
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.status in (
        PayrollRun.Status.APPROVED,
        PayrollRun.Status.ISSUING,
        PayrollRun.Status.ISSUED,
    ):
        return run
    if run.status != PayrollRun.Status.CALCULATED:
        raise RunRefused(
            _("Only a calculated run can be approved; this one is %(status)s.")
            % {"status": run.get_status_display()},
            code="not_calculated",
        )
    run.status = PayrollRun.Status.APPROVED
    run.approved_at = timezone.now()
    run.approved_by = by
    run.save(update_fields=["status", "approved_at", "approved_by"])
    audit.record(actor=by, action="payroll.run_approved", subject=run)
    return run


def preview(run: PayrollRun, *, largest: int = 10) -> dict[str, object]:
    """What an administrator checks before approving: totals by county and by kind of pay,
    and the largest stubs (a few queries, whatever the size of the run)."""
    lines = PayLine.objects.filter(stub__run=run)
    return {
        "by_county": list(
            Paystub.objects.filter(run=run)
            .values("county__code", "county__name")
            .annotate(stubs=Count("pk"), gross=Sum("gross_cents"), net=Sum("net_cents"))
            .order_by("county__code")
        ),
        "by_kind": list(
            lines.values("kind", "part")
            .annotate(minutes=Sum("minutes"), cents=Sum("cents"))
            .order_by("kind", "part")
        ),
        "largest": list(
            Paystub.objects.filter(run=run)
            .select_related("provider")
            .order_by("-gross_cents", "provider_id")[:largest]
        ),
        "held": run.held,
        "adjustments": lines.filter(
            ~Q(part=PayLine.Part.REGULAR) & ~Q(part=PayLine.Part.OVERTIME)
        ).aggregate(cents=Sum("cents"))["cents"]
        or 0,
    }
