"""Issuing an approved run: payments, the NACHA payment file, the check register, notices.

Exactly once. Everything happens in one transaction under a lock on the run: the
payments are planned and saved, the payment file and the check register are written to
storage (encrypted: the file holds account numbers), the prenotes are marked sent, the
providers are told, and the run becomes ISSUED. If the process dies at any point before
the commit (even half-way through the file), nothing of it counts: the run is still
APPROVED, no payment exists, and issuing again writes the whole file anew. Issuing an
issued run changes nothing and answers with the file already written, byte for byte.
Two administrators pressing "Issue" at once wait for the lock: one issues, the other
gets the issued run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ihss.accounts.models import Membership, Role, User
from ihss.cases.models import Provider
from ihss.core import audit, beside, bulk, crypto, csvsafe, garbage, jobs
from ihss.core.parameters import parameter
from ihss.notifications import services as notices
from ihss.notifications.events import Event
from ihss.payroll import nacha
from ihss.payroll.models import PayLine, Payment, PayrollRun, Paystub
from ihss.payroll.rules.pay import split_amount
from ihss.payroll.services import deposits
from ihss.payroll.services.runs import RunRefused

CHUNK = 5_000
ENTRY_DESCRIPTION = "IHSS PAY"
NAME_WIDTH = 22  # the individual name field of a NACHA entry


def pay_date_for(issued_on: dt.date) -> dt.date:
    """The day the money is in the bank: the next weekday after the file is sent (ACH
    credits settle the next banking day; bank holidays are not modelled)."""
    day = issued_on + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def originator() -> nacha.Originator:
    """The state's bank details for the payment file, from the settings (environment)."""
    values = settings.PAYROLL_ORIGINATOR
    return nacha.Originator(
        immediate_destination=values["immediate_destination"],
        immediate_destination_name=values["immediate_destination_name"],
        immediate_origin=values["immediate_origin"],
        immediate_origin_name=values["immediate_origin_name"],
        company_name=values["company_name"],
        company_identification=values["company_identification"],
        odfi_identification=values["immediate_destination"][:8],
    )


@dataclass
class _Plan:
    payments: int
    entries: list[nacha.Entry]
    checks: list[tuple[str, str, str, int]]  # check number, provider number, name, cents
    enrollments: set[int]
    methods: dict[str, list[int]]  # each stub's method (its stubs, by method)


def _recipient_gross(stub_ids: Sequence[int]) -> dict[int, list[tuple[int | None, int]]]:
    """Each stub's gross per recipient, in recipient order (one query per chunk)."""
    shares: dict[int, list[tuple[int | None, int]]] = {}
    if not stub_ids:
        return shares
    rows = (
        PayLine.objects.filter(stub_id__any_of=stub_ids)
        .values_list("stub_id", "recipient_id")
        .annotate(cents=Sum("cents"))
        .order_by("stub_id", "recipient_id")
    )
    for stub_id, recipient_id, cents in rows:
        shares.setdefault(stub_id, []).append((recipient_id, int(cents)))
    return shares


class _Stub(NamedTuple):
    pk: int
    provider_id: int
    state_pays_cents: int
    provider_number: str
    first_name: str
    last_name: str


def _stubs(run: PayrollRun) -> Iterator[list[_Stub]]:
    """The run's stubs with their payees, a chunk at a time, as plain rows."""
    stub, provider = (
        connection.ops.quote_name(model._meta.db_table) for model in (Paystub, Provider)
    )
    # The condition on the providers' key repeats the stubs': PostgreSQL does not carry a
    # range across a join, and without it walked the providers from the first one for
    # every chunk. Plain SQL: the ORM drops a condition on a related key for the column.
    sql = f"""
        SELECT s.id, s.provider_id, s.state_pays_cents, p.provider_number, p.first_name,
            p.last_name
        FROM {stub} s JOIN {provider} p ON p.id = s.provider_id
        WHERE s.run_id = %s AND s.provider_id > %s AND p.id > %s
        ORDER BY s.provider_id
        LIMIT {CHUNK}
    """  # noqa: S608 (table names from Django, values as parameters)
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [run.pk, last, last])
            stubs = list(map(_Stub._make, cursor.fetchall()))
        if not stubs:
            return
        yield stubs
        last = stubs[-1].provider_id


def _destinations(
    stub: _Stub,
    shares: list[tuple[int | None, int]],
    accounts: dict[tuple[int, int | None], deposits.DepositAccount],
) -> list[tuple[deposits.DepositAccount | None, int]]:
    """Where the state's payment of a stub goes: its share for each recipient goes to that
    recipient's direct deposit, else the provider's "all recipients" one, else by check;
    shares going to the same place are one payment. Deposits first, then the check."""
    if len(shares) == 1:  # nearly every stub: the whole of it goes to one place
        whole = stub.state_pays_cents
        account = deposits.account_for(accounts, stub.provider_id, shares[0][0])
        return [(account, whole)] if whole > 0 else []
    amounts = split_amount(stub.state_pays_cents, [max(0, cents) for _r, cents in shares])
    to: dict[int | None, tuple[deposits.DepositAccount | None, int]] = {}
    for (recipient, _cents), amount in zip(shares, amounts, strict=True):
        account = deposits.account_for(accounts, stub.provider_id, recipient)
        key = account.enrollment_id if account else None
        known = to.get(key, (account, 0))
        to[key] = (account, known[1] + amount)
    ordered = sorted(to.items(), key=lambda item: (item[0] is None, item[0] or 0))
    return [(account, cents) for _key, (account, cents) in ordered if cents > 0]


PAYMENT_FIELDS = (
    "stub_id", "method", "amount_cents", "enrollment_id", "account_last4", "trace_number",
    "check_number",
)  # fmt: skip


class _Chunk(NamedTuple):
    stubs: list[_Stub]
    accounts: dict[tuple[int, int | None], deposits.SealedAccount]  # in force, by scope
    gross: dict[int, list[tuple[int | None, int]]]  # by recipient, of stubs paid apart


def _chunks(
    run: PayrollRun, pay_date: dt.date, decrypting: crypto.DecryptingProcess | None
) -> Iterator[_Chunk]:
    """The run's stubs a chunk at a time, with their payees' accounts (numbers as stored,
    sent to `decrypting` when given) and, where a provider's pay goes to more than one
    place, each stub's gross by recipient."""
    prenote_days = parameter(deposits.PRENOTE_DAYS, on=pay_date)
    for stubs in _stubs(run):
        accounts = deposits.sealed_accounts_for_payment(
            on=pay_date, provider_ids=[s.provider_id for s in stubs], prenote_days=prenote_days
        )
        if decrypting is not None:
            decrypting.send([account.stored_number for account in accounts.values()])
        # Only a provider with an account for one recipient has pay going to more than
        # one place; everyone else's whole stub goes to one account, or one check.
        split = {provider for provider, recipient in accounts if recipient is not None}
        yield _Chunk(
            stubs, accounts, _recipient_gross([s.pk for s in stubs if s.provider_id in split])
        )


def _plan(run: PayrollRun, pay_date: dt.date, *, read_beside: bool) -> _Plan:
    """Save every payment of the run (as plain rows), and return the file's entries and
    each stub's method.

    With `read_beside`, the chunks (committed rows: the stubs and the accounts) are read
    by a thread with its own connection (ihss/core/beside.py), the account numbers
    decrypted by a process of their own (crypto.DecryptingProcess), and the payments sent
    to the database in one COPY as they are planned, so that the database stores them
    while this thread plans the next: the database's work, the decrypting and Python's
    work here overlap, on both cores. In line (inside a caller's transaction), the chunks
    are read on this connection, and each chunk's payments are copied before the next."""
    plan = _Plan(0, [], [], set(), defaultdict(list))
    if not read_beside:
        for rows in _payments(run, _chunks(run, pay_date, None), None, plan):
            bulk.insert_rows(Payment, PAYMENT_FIELDS, rows)
        return plan
    with ExitStack() as stack:
        decrypting = crypto.DecryptingProcess()  # forked before the reader thread starts
        made = beside.chunks(
            partial(_chunks, run, pay_date, decrypting), name="payroll-issue-reader"
        )
        stack.callback(made.close)  # called last: the reader ends once the
        stack.callback(decrypting.close)  # decrypting process no longer answers
        payments = _payments(run, made, decrypting, plan)
        bulk.insert_rows(Payment, PAYMENT_FIELDS, itertools.chain.from_iterable(payments))
    return plan


def _payments(
    run: PayrollRun,
    made: Iterator[_Chunk],
    decrypting: crypto.DecryptingProcess | None,
    plan: _Plan,
) -> Iterator[list[tuple[object, ...]]]:
    """Each chunk's payments as rows of PAYMENT_FIELDS, planned as they are asked for:
    the file's entries, the checks, the enrollments used and each stub's method go to
    `plan`."""
    methods = plan.methods
    deposit, check = Payment.Method.DEPOSIT.value, Payment.Method.CHECK.value
    trace_prefix = originator().odfi_identification
    for chunk, sealed, gross in made:
        accounts = deposits.opened(sealed, decrypting.receive() if decrypting else None)
        payments: list[tuple[object, ...]] = []
        for stub in chunk:
            shares = gross.get(stub.pk) or [(None, stub.state_pays_cents)]
            destinations = _destinations(stub, shares, accounts)
            if len(destinations) == 1:  # nearly every stub
                methods[check if destinations[0][0] is None else deposit].append(stub.pk)
            elif destinations:
                used = {check if account is None else deposit for account, _ in destinations}
                methods[used.pop() if len(used) == 1 else Paystub.Method.MIXED.value].append(
                    stub.pk
                )
            for account, amount in destinations:
                if account is None:
                    number = f"{run.pk:04d}{len(plan.checks) + 1:08d}"
                    name = f"{stub.first_name} {stub.last_name}"
                    plan.checks.append((number, stub.provider_number, name, amount))
                    payments.append((stub.pk, check, amount, None, "", "", number))
                    continue
                plan.entries.append(
                    _entry(account, stub.provider_number, stub.last_name, stub.first_name, amount)
                )
                plan.enrollments.add(account.enrollment_id)
                payments.append(
                    (
                        stub.pk,
                        deposit,
                        amount,
                        account.enrollment_id,
                        account.account_number[-4:],
                        f"{trace_prefix}{len(plan.entries):07d}",
                        "",
                    )  # fmt: skip
                )
        plan.payments += len(payments)
        yield payments


def _entry(
    account: deposits.DepositAccount,
    provider_number: str,
    last_name: str,
    first_name: str,
    cents: int,
    *,
    prenote: bool = False,
) -> nacha.Entry:
    return nacha.Entry(
        account.routing_number,
        account.account_number,
        account.account_type,  # type: ignore[arg-type]
        cents,
        provider_number,
        bank_name(last_name, first_name),
        prenote,
    )


def bank_name(last_name: str, first_name: str) -> str:
    """The payee's name as a bank file can carry it (22 capitals, accents dropped). Letters
    with no such form (a name written in Chinese) are left out; the provider number
    identifies the payee anyway."""
    full = f"{last_name} {first_name}"
    name = None
    if full.isascii():  # nearly every name: checked whole, same letters as one by one
        try:
            name = " ".join(nacha.ach_text(full).split())
        except nacha.NachaError:
            name = None
        if name:  # already as ach_text gives it: only cut to the field
            return name[:NAME_WIDTH].rstrip()
    if name is None:
        words = []
        for character in full:
            try:
                words.append(nacha.ach_text(character) or " ")
            except nacha.NachaError:
                continue
        name = " ".join("".join(words).split())
    return nacha.ach_text(name or "IHSS PROVIDER", width=NAME_WIDTH)


def _prenote_entries(accounts: Sequence[deposits.DepositAccount]) -> list[nacha.Entry]:
    people = {
        pk: (number, last, first)
        for pk, number, last, first in Provider.objects.filter(
            pk__in={a.provider_id for a in accounts}
        ).values_list("pk", "provider_number", "last_name", "first_name")
    }
    return [_entry(a, *people[a.provider_id], 0, prenote=True) for a in accounts]


def _check_register(checks: Sequence[tuple[str, str, str, int]]) -> bytes:
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")  # a payee named "=..." stays text
    writer.writerow(["check_number", "provider_number", "payee", "amount"])
    for number, provider_number, name, cents in checks:
        writer.writerow([number, provider_number, name, f"{cents // 100}.{cents % 100:02d}"])
    return out.getvalue().encode()


def _store(data: bytes, path: str) -> str:
    """Keep `data` encrypted at `path`, replacing what a stopped attempt left there."""
    jobs.delete_stored([path])
    return str(jobs.store_encrypted(io.BytesIO(data), path))


def request_issue(*, run: PayrollRun, by: User | None) -> PayrollRun:
    """Mark an approved run as being issued (what the page shows while the task works).
    Pressing "Issue" twice, or from two tabs, answers with the same run."""
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status in (PayrollRun.Status.ISSUING, PayrollRun.Status.ISSUED):
            return run
        if run.status != PayrollRun.Status.APPROVED:
            raise RunRefused(
                _("Only an approved run can be issued; this one is %(status)s.")
                % {"status": run.get_status_display()},
                code="not_approved",
            )
        run.status = PayrollRun.Status.ISSUING
        run.issued_by = by
        run.save(update_fields=["status", "issued_by"])
        return run


def issue_run(*, run: PayrollRun, by: User | None, on: dt.date) -> PayrollRun:
    """Issue an approved run on `on` (the day the file goes to the bank)."""
    # Called outside any transaction (the command, the task), the stubs and accounts are
    # read beside the writing; inside the caller's, in line.
    read_beside = beside.usable()
    run = request_issue(run=run, by=by)
    with transaction.atomic():
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.status == PayrollRun.Status.ISSUED:
            return run
        pay_date = pay_date_for(on)
        with garbage.fewer_collections():
            plan = _plan(run, pay_date, read_beside=read_beside)
        prenotes = deposits.prenotes_due(on=on)
        entries = plan.entries + _prenote_entries(prenotes)
        base = f"payroll/run-{run.pk}"
        # Each stub's method and each account's last use (for the 60-day dis-enrollment)
        # are written by the database while the files are written here.
        with bulk.meanwhile() as meanwhile:
            for method, stub_ids in plan.methods.items():
                for some in bulk.chunks(stub_ids, bulk.max_params()):
                    meanwhile.update(
                        Paystub.objects.filter(pk__any_of=frozenset(some)), method=method
                    )
            for some in bulk.chunks(sorted(plan.enrollments), bulk.max_params()):
                used = deposits.used_before(enrollment_ids=some, on=on)
                meanwhile.update(used, last_used_on=on)
            if entries:
                data = nacha.write_file(
                    originator=originator(),
                    batches=[
                        nacha.Batch(
                            company_entry_description=ENTRY_DESCRIPTION,
                            effective_entry_date=pay_date,
                            entries=entries,
                        )
                    ],
                    created_at=run.approved_at or timezone.now(),
                )
                run.payment_file = _store(data, f"{base}.ach.enc")
                run.payment_file_sha256 = hashlib.sha256(data).hexdigest()
            if plan.checks:
                checks = _check_register(plan.checks)
                run.check_register = _store(checks, f"{base}-checks.csv.enc")
        deposits.mark_prenotes_sent(
            enrollment_ids=[a.enrollment_id for a in prenotes], run_id=run.pk, on=on
        )
        bulk.analyze(Payment)  # the pay pages read the payments just written
        run.status = PayrollRun.Status.ISSUED
        run.issued_at = timezone.now()
        run.issued_by = run.issued_by or by
        run.pay_date = pay_date
        run.save()
        _tell_providers(run)
        audit.record(
            actor=by,
            action="payroll.run_issued",
            subject=run,
            after={
                "payments": plan.payments,
                "prenotes": len(prenotes),
                "file_sha256": run.payment_file_sha256,
            },
        )
    return run


def _tell_providers(run: PayrollRun) -> None:
    """A PAYMENT_ISSUED notice to each paid provider with an account (set-based)."""
    users = dict(
        Membership.objects.filter(role=Role.PROVIDER, provider__paystubs__run=run).values_list(
            "provider_id", "user_id"
        )
    )
    people = {u.pk: u for u in User.objects.filter(pk__any_of=frozenset(users.values()))}

    def each() -> Iterator[notices.Notice]:
        paid = Paystub.objects.filter(run=run, provider_id__any_of=frozenset(users))
        for stub in paid.order_by("provider_id"):
            user = people.get(users[stub.provider_id])
            if user is None or stub.state_pays_cents <= 0:
                continue
            yield notices.Notice(
                user=user,
                context={
                    "period_start": run.period_start.isoformat(),
                    "period_end": run.period_end.isoformat(),
                    "amount_cents": stub.state_pays_cents,
                    "paid_on": (run.pay_date or run.period_end).isoformat(),
                    "method": "deposit" if stub.method == Paystub.Method.DEPOSIT else "check",
                },
                key=f"run-{run.pk}",
                link=reverse("payroll:stub", args=[stub.pk]),
            )

    notices.notify_many(event=Event.PAYMENT_ISSUED, notices=each())


def payment_file(run: PayrollRun) -> bytes:
    """The payment file of an issued run, as written (for the administrator's download)."""
    if not run.payment_file:
        return b""
    with jobs.open_encrypted(run.payment_file) as handle:
        return handle.read()
