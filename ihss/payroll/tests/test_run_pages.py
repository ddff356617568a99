"""The state administrator's payroll pages and the `payroll` command: start a run, follow
it, check the preview, approve, issue, download the file; everyone else is refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.payroll import nacha
from ihss.payroll.models import Payment, PayrollRun, Paystub
from ihss.payroll.services import issue, runs
from ihss.payroll.tests.factories import H, fixed_rate, provider_with, timesheet

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 20, 10, 0, tzinfo=dt.UTC)
DEC_1 = dt.date(2026, 12, 1)


@pytest.fixture
def paid_week():
    fixed_rate("19", 2000)
    provider, (a, b, c) = provider_with(3)
    timesheet(provider, a, {dt.date(2026, 12, 6): 15 * H})
    timesheet(provider, b, {dt.date(2026, 12, 8): 16 * H})
    timesheet(provider, c, {dt.date(2026, 12, 10): 12 * H})
    return provider


@time_machine.travel(TODAY, tick=False)
def test_an_administrator_runs_approves_and_issues_a_period_from_the_pages(
    signed_in, state_admin, paid_week, django_capture_on_commit_callbacks
):
    client = signed_in(state_admin)
    assert client.get("/pay/runs/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pay/runs/", {"period": "2026-12-01"})
    run = PayrollRun.objects.get()
    assert response.url == f"/pay/runs/{run.pk}/"
    # The task ran (the test task backend runs it at once): the page shows the totals.
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.CALCULATED
    page = client.get(f"/pay/runs/{run.pk}/").content.decode()
    assert "$890.00" in page and "Approve the run" in page
    assert "Largest paystubs" in page and paid_week.provider_number in page

    client.post(f"/pay/runs/{run.pk}/approve/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/pay/runs/{run.pk}/issue/")
    run.refresh_from_db()
    assert run.status == PayrollRun.Status.ISSUED
    assert Payment.objects.get().method == Payment.Method.CHECK
    register = client.get(f"/pay/runs/{run.pk}/check-register/")
    assert register["Content-Disposition"].startswith("attachment")
    assert b"890.00" in register.content


@time_machine.travel(TODAY, tick=False)
def test_the_progress_fragment_stops_polling_once_the_run_is_calculated(
    signed_in, state_admin, paid_week
):
    run = runs.start_run(period_start=DEC_1, by=state_admin, today=dt.date(2026, 12, 20))
    client = signed_in(state_admin)
    waiting = client.get(f"/pay/runs/{run.pk}/progress/").content.decode()
    assert "hx-trigger" in waiting
    runs.calculate(run=run)
    done = client.get(f"/pay/runs/{run.pk}/progress/").content.decode()
    assert "hx-trigger" not in done and "$890.00" in done


@time_machine.travel(TODAY, tick=False)
def test_a_period_not_yet_ended_is_refused_with_a_message_at_the_field(signed_in, state_admin):
    client = signed_in(state_admin)
    response = client.post("/pay/runs/", {"period": "2026-12-16"})
    assert response.status_code == 200
    assert "Choose one of the pay periods listed." in response.content.decode()
    assert not PayrollRun.objects.exists()


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.COUNTY_STAFF, Role.SERVICE_DESK])
def test_only_state_administrators_see_payroll_runs(signed_in, role):
    scope: dict[str, object] = {}
    if role == Role.COUNTY_STAFF:
        scope = {"county": cast.county("19")}
    if role == Role.PROVIDER:
        scope = {"provider": cast.make_provider()}
    user = cast.make_user(f"someone.{role}", role, **scope)
    run = PayrollRun.objects.create(period_start=DEC_1, period_end=dt.date(2026, 12, 15))
    client = signed_in(user)
    for path in ("/pay/runs/", f"/pay/runs/{run.pk}/", f"/pay/runs/{run.pk}/progress/"):
        assert client.get(path).status_code == 403
    assert client.post(f"/pay/runs/{run.pk}/approve/").status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_the_command_runs_a_period_and_a_second_time_changes_nothing(state_admin, paid_week):
    out = io.StringIO()
    call_command(
        "payroll", "run", "2026-12-01", "--by", "state.admin", stdout=out, stderr=io.StringIO()
    )
    assert "Issued" in out.getvalue() and "$890.00" in out.getvalue()
    run = PayrollRun.objects.get()
    first = (run.payment_file_sha256, list(Payment.objects.values_list("pk", flat=True)))
    call_command(
        "payroll",
        "run",
        "2026-12-01",
        "--by",
        "state.admin",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    run.refresh_from_db()
    assert (run.payment_file_sha256, list(Payment.objects.values_list("pk", flat=True))) == first
    assert Paystub.objects.count() == 1


def test_the_command_says_clearly_what_is_wrong(state_admin):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("payroll", "calculate", "12/01/2026")
    with pytest.raises(CommandError, match="starts on the 1st or the 16th"):
        call_command("payroll", "calculate", "2026-12-03")
    with pytest.raises(CommandError, match="state administrator"):
        call_command("payroll", "approve", "2026-11-16", "--by", "nobody")


@time_machine.travel(TODAY, tick=False)
def test_issuing_twice_gives_the_same_file_byte_for_byte(state_admin, paid_week):
    from ihss.payroll.tests.test_deposits_in_payroll import enroll_active  # noqa: PLC0415

    enroll_active(paid_week)
    run = runs.calculate(
        run=runs.start_run(period_start=DEC_1, by=None, today=dt.date(2026, 12, 20))
    )
    runs.approve(run=run, by=state_admin)
    issued = issue.issue_run(run=run, by=state_admin, on=dt.date(2026, 12, 21))
    data = issue.payment_file(issued)
    again = issue.issue_run(run=run, by=state_admin, on=dt.date(2026, 12, 22))
    assert issue.payment_file(again) == data and again.pay_date == issued.pay_date
    parsed = nacha.parse_file(data)
    entries = [e for batch in parsed.batches for e in batch.entries]
    assert [e.amount_cents for e in entries] == [89000]
    assert Payment.objects.get().trace_number == entries[0].trace_number


@time_machine.travel(TODAY, tick=False)
def test_a_provider_follows_an_approved_timesheet_to_where_its_pay_is(signed_in, state_admin):
    fixed_rate("19", 2000)
    provider, (a,) = provider_with(1)
    sheet = timesheet(provider, a, {dt.date(2026, 12, 2): 5 * H})
    user = cast.make_user("paid.provider", Role.PROVIDER, provider=provider)
    run = runs.calculate(
        run=runs.start_run(period_start=DEC_1, by=None, today=dt.date(2026, 12, 20))
    )
    issue.issue_run(
        run=runs.approve(run=run, by=state_admin), by=state_admin, on=dt.date(2026, 12, 21)
    )
    client = signed_in(user)
    page = client.get(f"/timesheets/{sheet.pk}/").content.decode()
    link = f"/pay/timeline/timesheet/{sheet.pk}/"
    assert link in page
    timeline = client.get(link)
    stub = Paystub.objects.get(provider=provider)
    assert timeline.status_code == 200
    assert f"/pay/stubs/{stub.pk}/" in timeline.content.decode()
