"""The demo data that `make run` loads: safe to load twice, with messages to read."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ihss.accounts.models import User
from ihss.notifications.events import SPECS, Category, Event
from ihss.notifications.models import Delivery, Notification
from ihss.payroll.models import PayrollRun, Paystub
from ihss.timesheets.models import Timesheet
from ihss.training.models import Registration

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_and_shows_messages_in_the_message_center(client, capsys):
    call_command("demo")
    call_command("demo")
    assert "servicedesk sees every one in the Outbox" in capsys.readouterr().out
    # Only what the demo's records did: two timesheets sent to Rosa, one approved for
    # Ana, Ana's own settings change, James's direct deposit and his payment, and James's
    # seat in a Career Pathways class.
    assert Notification.objects.count() == 7
    ana = User.objects.get(username="provider.one")
    client.force_login(ana)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Rosa Delgado approved your timesheet" in page
    assert Delivery.objects.filter(notification__user=ana, channel="sms").count() == 1

    client.force_login(User.objects.get(username="recipient"))
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "La hoja de horas de Ana Reyes" in page  # Rosa reads Spanish

    rosa = client.get(reverse("timesheets:review")).content.decode()
    assert "Ana Reyes" in rosa  # her last period's timesheet waits for her
    county = Client()
    county.force_login(User.objects.get(username="county.la"))
    queue = county.get(reverse("timesheets:county")).content.decode()
    assert "Ana Reyes" in queue  # the one held for a signature check

    desk = Client()  # in English: the previous sign-in left a Spanish language cookie
    desk.force_login(User.objects.get(username="servicedesk"))
    failed = desk.get(reverse("notifications:outbox"), {"status": "failed"}).content.decode()
    assert "1 message." in failed


# What each timesheet notice says happened, as the timesheet's state must show it.
TIMESHEET_NOTICES: dict[str, set[str]] = {
    Event.TIMESHEET_READY_FOR_REVIEW: {Timesheet.Status.SUBMITTED, Timesheet.Status.APPROVED},
    Event.TIMESHEET_APPROVED: {Timesheet.Status.APPROVED},
    Event.TIMESHEET_REJECTED: {Timesheet.Status.REJECTED},
    Event.TIMESHEET_NO_RECIPIENT_ACTION: {Timesheet.Status.SUBMITTED},
}


def test_every_demo_notice_refers_to_a_record_whose_state_matches():
    call_command("demo")
    notices = list(Notification.objects.select_related("user"))
    assert notices
    for notice in notices:
        spec = SPECS[notice.event]
        if notice.event == Event.DIRECT_DEPOSIT_CHANGED:
            assert notice.user.memberships.filter(provider__direct_deposits__isnull=False).exists()
            continue
        if spec.category == Category.SECURITY:
            # About the person's own account: here, the settings the demo saved for them.
            assert notice.event == Event.PREFERENCES_CHANGED
            assert notice.user.notice_preferences.exists()
            continue
        if notice.event == Event.PAYMENT_ISSUED:
            match = re.fullmatch(r"/pay/stubs/(\d+)/", notice.link)
            assert match, notice.link
            stub = Paystub.objects.select_related("run").get(pk=match[1])
            assert stub.run.status == PayrollRun.Status.ISSUED
            assert notice.user.memberships.filter(provider=stub.provider).exists()
            assert notice.context["amount_cents"] == stub.state_pays_cents
            continue
        if notice.event == Event.CLASS_CONFIRMATION:
            assert notice.link == "/training/mine/"
            assert Registration.objects.filter(
                provider__in=notice.user.memberships.values("provider"),
                status="registered",
                session__isnull=False,
                course__title=notice.context["course"],
            ).exists()
            continue
        # Nothing else but timesheets, pay and classes exists yet: no travel notice.
        assert notice.event in TIMESHEET_NOTICES, notice.event
        match = re.fullmatch(r"/timesheets/(\d+)/", notice.link)
        assert match, notice.link
        sheet = Timesheet.objects.select_related("provider", "recipient").get(pk=match[1])
        assert sheet.status in TIMESHEET_NOTICES[notice.event], (notice.event, sheet.status)
        context = notice.context
        assert context["period_start"] == sheet.period_start.isoformat()
        assert context["period_end"] == sheet.period_end.isoformat()
        if "provider_name" in context:
            assert context["provider_name"] == sheet.provider.full_name
            assert notice.user.memberships.filter(recipient=sheet.recipient).exists()
        if "recipient_name" in context:
            assert context["recipient_name"] == sheet.recipient.full_name
            assert notice.user.memberships.filter(provider=sheet.provider).exists()


def test_demo_staff_sign_in_with_the_code_demo_code_prints(settings, capsys):
    settings.SECOND_FACTOR_REQUIRED_ROLES = ["county_staff", "service_desk", "state_admin"]
    call_command("demo")
    assert User.objects.get(username="county.la").has_second_factor()
    assert not User.objects.get(username="provider.one").has_second_factor()
    capsys.readouterr()
    call_command("demo_code", "county.la")
    code = capsys.readouterr().out.split()[0]
    client = Client()
    from ihss.web.management.commands.demo import DEMO_PASSWORD

    client.post(reverse("login"), {"username": "county.la", "password": DEMO_PASSWORD})
    done = client.post(reverse("accounts:second-factor"), {"method": "app", "code": code})
    assert done.status_code == 302
    assert client.get(reverse("county-home")).status_code == 200


def test_the_demo_prints_every_sign_in_once_and_refuses_production(settings, capsys):
    from django.core.management.base import CommandError

    call_command("demo")
    out = capsys.readouterr().out
    assert out.startswith("Demo sign-ins (all fictional):")
    assert "password for every demo user: sunlit kettle orchard ribbon" in out
    table = [line.split()[0] for line in out.splitlines()[2:13]]
    assert table == [
        "county.la",
        "county.fresno",
        "provider.one",
        "provider.three",
        "provider.livein",
        "provider.exempt",
        "recipient",
        "training",
        "coach",
        "servicedesk",
        "state.admin",
    ]
    assert out.splitlines()[2].split()[:3] == ["county.la", "Teresa", "Nguyen"]

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("demo")


def test_the_demo_provider_with_three_recipients_sees_his_overtime_on_an_issued_paystub(client):
    call_command("demo")
    james = User.objects.get(username="provider.three")
    stub = Paystub.objects.get(provider__provider_number="190000002")
    assert stub.run.status == PayrollRun.Status.ISSUED
    assert stub.overtime_minutes == 7 * 60 and stub.regular_minutes == 40 * 60
    assert {line.recipient.case_number for line in stub.lines.all() if line.recipient} == {
        "1900002",
        "1900003",
        "1900004",
    }
    assert stub.method == Paystub.Method.DEPOSIT
    client.force_login(james)
    page = client.get(reverse("payroll:stub", args=[stub.pk])).content.decode()
    assert "47 h" in page and "across 3 recipients" in page and "7 h overtime" in page
    pdf = client.get(reverse("payroll:stub-pdf", args=[stub.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_demo_runs_payment_file_passes_both_parsers():
    from ihss.payroll import nacha
    from ihss.payroll.services import issue
    from ihss.payroll.tests.test_nacha import achlens_errors

    call_command("demo")
    run = PayrollRun.objects.get(status=PayrollRun.Status.ISSUED)
    data = issue.payment_file(run)
    parsed = nacha.parse_file(data)
    amounts = [e.amount_cents for batch in parsed.batches for e in batch.entries]
    james = Paystub.objects.get(run=run, provider__provider_number="190000002")
    assert james.state_pays_cents in amounts
    assert achlens_errors(data) == []
