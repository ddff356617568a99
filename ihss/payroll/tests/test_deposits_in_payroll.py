"""Issuing pays each stub to the accounts in force (per recipient, else for all, else by
check), sends prenotes for new accounts, writes a NACHA file both parsers read, and never
leaves a partial payment, even when the process is killed half-way through the file."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.notifications.models import Notification
from ihss.payroll import nacha
from ihss.payroll.models import DirectDeposit, Payment, PayrollRun, Paystub
from ihss.payroll.services import deposits, issue, runs
from ihss.payroll.tests.factories import H, fixed_rate, provider_with, timesheet
from ihss.payroll.tests.test_nacha import achlens_errors

pytestmark = pytest.mark.django_db

DEC_1 = dt.date(2026, 12, 1)
ISSUE_DAY = dt.date(2026, 12, 21)
ROUTING = "123456780"  # passes the ABA check; fictional


def enroll_active(provider, recipient=None, account="000123456789", *, user=None):
    """A direct deposit requested in October, prenote sent: in force in December."""
    user = user or cast.make_user(
        f"p{provider.pk}-{account[-4:]}", Role.PROVIDER, provider=provider
    )
    change = deposits.enroll(
        provider=provider,
        recipient=recipient,
        routing_number=ROUTING,
        account_number=account,
        account_type="checking",
        by=user,
        now=dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC),
    )
    deposits.mark_prenotes_sent(
        enrollment_ids=[change.enrollment.pk] if change.enrollment else [],
        run_id=0,
        on=dt.date(2026, 10, 2),
    )
    return change.enrollment


def approved_run(state_admin):
    run = runs.calculate(
        run=runs.start_run(period_start=DEC_1, by=None, today=dt.date(2026, 12, 20))
    )
    return runs.approve(run=run, by=state_admin)


def entries(data: bytes):
    return [e for batch in nacha.parse_file(data).batches for e in batch.entries]


def test_a_stub_is_paid_to_each_recipients_account_else_the_all_account_else_by_check(
    state_admin,
):
    fixed_rate("19", 2000)
    provider, (a, b) = provider_with(2)
    timesheet(provider, a, {dt.date(2026, 12, 2): 5 * H})
    timesheet(provider, b, {dt.date(2026, 12, 3): 3 * H})
    user = cast.make_user("two.accounts", Role.PROVIDER, provider=provider)
    enroll_active(provider, a, "1111", user=user)

    run = issue.issue_run(run=approved_run(state_admin), by=state_admin, on=ISSUE_DAY)

    stub = Paystub.objects.get(run=run)
    assert stub.method == Paystub.Method.MIXED
    paid = {(p.method, p.account_last4, p.amount_cents) for p in stub.payments.all()}
    assert paid == {("deposit", "1111", 10000), ("check", "", 6000)}
    assert [e.amount_cents for e in entries(issue.payment_file(run))] == [10000]
    # Later, an account for all recipients takes the rest.
    assert run.pay_date == dt.date(2026, 12, 22)


def test_each_stub_says_how_it_was_paid(state_admin):
    fixed_rate("19", 2000)
    by_deposit, (a,) = provider_with(1)
    by_check, (b,) = provider_with(1)
    timesheet(by_deposit, a, {dt.date(2026, 12, 2): 5 * H})
    timesheet(by_check, b, {dt.date(2026, 12, 3): 3 * H})
    enroll_active(by_deposit)

    run = issue.issue_run(run=approved_run(state_admin), by=state_admin, on=ISSUE_DAY)

    methods = dict(Paystub.objects.filter(run=run).values_list("provider_id", "method"))
    assert methods == {by_deposit.pk: Paystub.Method.DEPOSIT, by_check.pk: Paystub.Method.CHECK}


def test_issuing_records_the_day_each_account_was_last_paid_into(state_admin):
    # The 60-day dis-enrollment counts from it: only the accounts this run paid into move.
    fixed_rate("19", 2000)
    paid, (a,) = provider_with(1)
    idle, (b,) = provider_with(1)
    timesheet(paid, a, {dt.date(2026, 12, 2): 5 * H})
    used, unused = enroll_active(paid), enroll_active(idle)

    issue.issue_run(run=approved_run(state_admin), by=state_admin, on=ISSUE_DAY)

    used.refresh_from_db()
    unused.refresh_from_db()
    assert (used.last_used_on, unused.last_used_on) == (ISSUE_DAY, None)


def test_a_new_account_gets_a_prenote_and_is_not_paid_into_until_in_force(state_admin):
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    timesheet(provider, a, {dt.date(2026, 12, 2): 5 * H})
    user = cast.make_user("new.account", Role.PROVIDER, provider=provider)
    deposits.enroll(
        provider=provider,
        recipient=None,
        routing_number=ROUTING,
        account_number="999888777",
        account_type="savings",
        by=user,
        now=dt.datetime(2026, 12, 18, 12, tzinfo=dt.UTC),
    )
    run = issue.issue_run(run=approved_run(state_admin), by=state_admin, on=ISSUE_DAY)

    assert Payment.objects.get().method == Payment.Method.CHECK
    [prenote] = entries(issue.payment_file(run))
    assert (prenote.amount_cents, prenote.transaction_code, prenote.prenote) == (0, 33, True)
    assert DirectDeposit.objects.get().prenote_sent_on == ISSUE_DAY


def test_the_payment_file_passes_the_second_independent_parser(state_admin):
    fixed_rate("19", 1890)
    for n in range(3):
        provider, (a,) = provider_with(1, county="19")
        timesheet(provider, a, {dt.date(2026, 12, 2): (n + 2) * H})
        enroll_active(provider, account=f"00042{n}")
    run = issue.issue_run(run=approved_run(state_admin), by=state_admin, on=ISSUE_DAY)
    data = issue.payment_file(run)
    ours = entries(data)
    assert sum(e.amount_cents for e in ours) == run.net_cents == 3780 + 5670 + 7560
    assert achlens_errors(data) == []
    assert {p.trace_number for p in Payment.objects.all()} == {e.trace_number for e in ours}


def test_every_paid_provider_is_told_with_a_link_to_the_stub(state_admin):
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    timesheet(provider, a, {dt.date(2026, 12, 2): 5 * H})
    enroll_active(provider)
    run = issue.issue_run(run=approved_run(state_admin), by=state_admin, on=ISSUE_DAY)
    notice = Notification.objects.get(event="payment_issued")
    stub = Paystub.objects.get(run=run)
    assert notice.link.endswith(f"/{stub.pk}/")
    assert notice.context["amount_cents"] == 10000 and notice.context["method"] == "deposit"
    issue.issue_run(run=run, by=state_admin, on=ISSUE_DAY)
    assert Notification.objects.filter(event="payment_issued").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_process_killed_half_way_through_the_file_leaves_no_payment_and_issuing_again_pays_once(
    state_admin, tmp_path
):
    assert connection.vendor == "postgresql"
    fixed_rate("19", 2000)
    for n in range(4):
        provider, (a,) = provider_with(1)
        timesheet(provider, a, {dt.date(2026, 12, 2): (n + 1) * H})
        enroll_active(provider, account=f"55500{n}")
    run = approved_run(state_admin)
    script = tmp_path / "kill_mid_file.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import datetime as dt, os, signal
            import django
            django.setup()
            from ihss.core import jobs
            from ihss.payroll.models import PayrollRun
            from ihss.payroll.services import issue

            real = jobs.store_encrypted

            def half_then_die(raw, path, **kwargs):
                data = raw.read()
                with open(os.environ["HALF_FILE"], "wb") as out:
                    out.write(data[: len(data) // 2])
                    out.flush()
                    os.fsync(out.fileno())
                os.kill(os.getpid(), signal.SIGKILL)

            jobs.store_encrypted = half_then_die
            issue.issue_run(run=PayrollRun.objects.get(pk={run.pk}), by=None, on=dt.date(2026, 12, 21))
            """
        )
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ihss.settings_test",
        "IHSS_ENV": "test",
        "DATABASE_URL": _database_url(),
        "HALF_FILE": str(tmp_path / "half.ach"),
        "PYTHONPATH": str(Path(settings.BASE_DIR)),
    }
    killed = subprocess.run(
        [sys.executable, str(script)], env=env, cwd=settings.BASE_DIR, timeout=120, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "half.ach").stat().st_size > 0  # it died while writing the file
    run.refresh_from_db()
    assert run.status in (PayrollRun.Status.APPROVED, PayrollRun.Status.ISSUING)
    assert not Payment.objects.exists() and not run.payment_file

    issued = issue.issue_run(run=run, by=state_admin, on=dt.date(2026, 12, 21))

    assert issued.status == PayrollRun.Status.ISSUED
    assert Payment.objects.count() == 4
    data = issue.payment_file(issued)
    assert [e.amount_cents for e in entries(data)] == [2000, 4000, 6000, 8000]


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def _bank_name_a_character_at_a_time(last_name: str, first_name: str) -> str:
    words = []
    for character in f"{last_name} {first_name}":
        try:
            words.append(nacha.ach_text(character) or " ")
        except nacha.NachaError:
            continue
    name = " ".join("".join(words).split())
    return nacha.ach_text(name or "IHSS PROVIDER", width=issue.NAME_WIDTH)


NAME_LETTERS = st.text(alphabet=" \t'-.abcXYZ~`|ñéßŁø中文\u0303", max_size=30)


@pytest.mark.django_db(False)
@given(last_name=NAME_LETTERS, first_name=NAME_LETTERS)
def test_a_payee_name_in_the_bank_file_is_the_same_read_whole_or_a_letter_at_a_time(
    last_name, first_name
):
    """Plain names are checked whole (fast); any other a character at a time."""
    assert issue.bank_name(last_name, first_name) == _bank_name_a_character_at_a_time(
        last_name, first_name
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issued_outside_a_transaction_the_stubs_are_read_beside_and_paid_in_provider_order(
    state_admin, monkeypatch
):
    import threading

    from ihss.core import beside

    assert not connection.in_atomic_block
    monkeypatch.setattr(issue, "CHUNK", 2)  # several chunks read ahead of the writing
    made = []
    real = beside.chunks

    def spy(produce, *, name, setup=None):
        made.append(name)
        return real(produce, name=name, setup=setup)

    monkeypatch.setattr(beside, "chunks", spy)
    fixed_rate("19", 2000)
    expected = []
    for n in range(5):
        provider, recipients = provider_with(2 if n == 2 else 1)
        for r, recipient in enumerate(recipients):
            timesheet(provider, recipient, {dt.date(2026, 12, 2 + r): (n + 1) * H})
        if n == 2:  # the first recipient's pay to one account, the second's by check
            enroll_active(provider, recipients[0], account=f"77700{n}")
            expected += [("deposit", 3 * 2000), ("check", 3 * 2000)]
        elif n % 2 == 0:
            enroll_active(provider, account=f"77700{n}")
            expected.append(("deposit", (n + 1) * 2000))
        else:
            expected.append(("check", (n + 1) * 2000))
    run = approved_run(state_admin)

    issued = issue.issue_run(run=run, by=state_admin, on=ISSUE_DAY)

    assert "payroll-issue-reader" in made
    paid = list(
        Payment.objects.filter(stub__run=issued)
        .order_by("pk")
        .values_list("method", "amount_cents", "trace_number", "check_number")
    )
    assert [(method, cents) for method, cents, _t, _c in paid] == expected
    traces = [trace for method, _cents, trace, _c in paid if method == "deposit"]
    assert [int(t[-7:]) for t in traces] == [1, 2, 3]  # numbered in the file's order
    # Each number decrypted by the decrypting process, whole, in the file.
    assert [(e.account_number, e.amount_cents) for e in entries(issue.payment_file(issued))] == [
        ("777000", 2000),
        ("777002", 6000),
        ("777004", 10000),
    ]
    assert not [t for t in threading.enumerate() if t.name == "payroll-issue-reader"]
