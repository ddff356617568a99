"""Every write that leaves an audit event, then every page that shows a history, as everyone
who may see it (issue 12, section 1).

The audit table refuses UPDATE and DELETE: an event that breaks a page breaks it for good.
So the history is read totally (ihss.core.audit_display), and this test proves it the way
people meet it: it runs each service that writes an event on a case or a timesheet, imports
the README's sample files, and then opens the recipient's, the provider's, the timesheet's,
the claim's and the violation's pages and their API trails as each role that may read them.
A second test writes events of shapes no service writes today (unknown keys, models, values)
and opens the same pages.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse

from ihss import test as cast
from ihss.accounts.models import Role
from ihss.cases import importing
from ihss.cases import services as case_services
from ihss.cases.models import Assignment, Provider, Recipient, TravelAgreement
from ihss.core.models import AuditEvent
from ihss.timesheets import rules, services
from ihss.timesheets.models import DayEntry, SickLeaveClaim, Timesheet, Violation
from ihss.timesheets.tests.conftest import H

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = sorted((ROOT / "docs" / "samples").glob("*.csv"))
NOV_1 = dt.date(2026, 11, 1)


def _source_actions() -> set[str]:
    """Every audit action the case and timesheet code writes, read from the source."""
    found: set[str] = set()
    for app in ("cases", "timesheets"):
        for path in (ROOT / "ihss" / app).glob("*.py"):
            text = path.read_text()
            found |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
            found |= set(re.findall(r'event\(\s*"([a-z_]+\.[a-z_]+)"', text))
            if 'f"timesheet.county_{decision}"' in text:
                found |= {f"timesheet.county_{d}" for d in ("release", "hold", "void")}
    return found


@pytest.fixture
def readers(world):
    """Who may read the world's records: staff of its county, statewide roles, and the
    provider and recipients themselves (for their timesheets)."""
    return {
        "county": cast.make_user("la.worker", Role.COUNTY_STAFF, county=cast.county("19")),
        "state": cast.make_user("state.boss", Role.STATE_ADMIN),
        "desk": cast.make_user("desk.agent", Role.SERVICE_DESK),
        "provider": world.provider_user,
        "recipient": world.recipient_users[0],
        "recipient1": world.recipient_users[1],
    }


def _carried_over(world, n: int, hours: dict[dt.date, int], status: str) -> Timesheet:
    period = rules.pay_period_containing(min(hours))
    sheet = Timesheet.objects.create(
        provider=world.provider,
        recipient=world.recipients[n],
        program="IHSS",
        period_start=period.start,
        period_end=period.end,
        status=status,
    )
    DayEntry.objects.bulk_create(
        DayEntry(timesheet=sheet, day=d, minutes=m, location="home") for d, m in hours.items()
    )
    return sheet


def _every_write(world, readers) -> None:
    staff = readers["county"]
    state = readers["state"]
    rosa, wei, sam = world.recipients
    ana = world.provider
    day = dt.date(2026, 11, 2)

    # Case records: each workflow of ihss.cases.services.
    maria = case_services.create_recipient(
        fields=dict(
            case_number="1901234",
            first_name="Maria",
            last_name="Lopez",
            date_of_birth=dt.date(1948, 5, 6),
            county=cast.county("19"),
        ),
        ssn="521459876",
        by=staff,
        reason="New referral",
    )
    case_services.update_recipient(
        recipient=maria, fields={"city": "Pasadena"}, ssn="521459877", by=staff, reason="Moved"
    )
    for minutes, start in ((100 * H, dt.date(2026, 10, 1)), (120 * H, dt.date(2026, 10, 1))):
        case_services.change_authorized_hours(
            recipient=maria,
            program="IHSS",
            monthly_minutes=minutes,
            effective_from=start,
            by=staff,
            reason="Reassessment",
        )
    case_services.change_authorized_hours(
        recipient=maria,
        program="IHSS",
        monthly_minutes=110 * H,
        effective_from=dt.date(2026, 11, 1),
        by=staff,
        reason="Reassessment",
    )
    luz = case_services.create_provider(
        fields=dict(
            provider_number="191234567",
            first_name="Luz",
            last_name="Moreno",
            date_of_birth=dt.date(1990, 9, 12),
            county=cast.county("19"),
        ),
        ssn="521467777",
        by=staff,
    )
    case_services.update_provider(
        provider=ana, fields={"city": "Glendale"}, ssn="521467778", by=staff, reason="Moved"
    )
    assignment = case_services.create_assignment(
        recipient=maria,
        provider=ana,
        program="IHSS",
        assigned_monthly_minutes=50 * H,
        start_date=dt.date(2026, 11, 1),
        by=staff,
    )
    case_services.update_assignment(
        assignment=assignment, fields={"assigned_monthly_minutes": 60 * H}, by=staff
    )
    case_services.end_assignment(assignment=assignment, end_date=dt.date(2026, 12, 31), by=staff)
    exemption = case_services.add_exemption(
        provider=ana,
        kind=2,
        circumstance="remote_area",
        approved_on=dt.date(2025, 12, 15),
        effective_from=dt.date(2026, 1, 1),
        by=staff,
        reason="SOC 2305 approved",
    )
    case_services.end_exemption(exemption=exemption, effective_to=dt.date(2026, 6, 30), by=staff)
    agreement = case_services.add_travel_agreement(
        provider=ana,
        from_recipient=rosa,
        to_recipient=wei,
        weekly_minutes=7 * H,
        signed_on=dt.date(2025, 1, 1),
        effective_from=dt.date(2025, 1, 1),
        by=staff,
    )
    case_services.end_travel_agreement(
        agreement=agreement, effective_to=dt.date(2026, 12, 31), by=staff
    )
    assert luz.pk and isinstance(agreement, TravelAgreement)

    # The README's samples, imported by the state administrator.
    outcome = importing.import_files(
        [importing.SourceFile(p.name, p.read_bytes()) for p in SAMPLES],
        actor=state,
        reason="Import of the samples",
    )
    assert outcome.ok, [str(p) for p in outcome.problems]

    # Timesheets: open, save, travel, send, return, resend, approve, the county's steps.
    sheet = world.fill(world.open(1, day), {day: 8 * H, day + dt.timedelta(days=1): 6 * H})
    rosa_sheet = world.fill(world.open(0, day), {day: 2 * H})
    entry = services.save_travel(
        timesheet=sheet, day=day, from_recipient=rosa, minutes=30, by=world.provider_user
    )
    services.remove_travel(timesheet=sheet, entry_id=entry.pk, by=world.provider_user)
    services.save_travel(
        timesheet=sheet, day=day, from_recipient=rosa, minutes=30, by=world.provider_user
    )
    services.submit(timesheet=rosa_sheet, by=world.provider_user)
    services.submit(timesheet=sheet, by=world.provider_user)
    services.reject(timesheet=sheet, by=world.recipient_users[1], reason="Tuesday was 5 hours")
    services.submit(timesheet=sheet, by=world.provider_user)
    services.approve(timesheet=sheet, by=world.recipient_users[1], signature="Wei Chen")
    for decision in ("hold", "release"):
        services.decide_review(timesheet=sheet, by=staff, decision=decision, reason="Checked")
    void = _carried_over(world, 2, {day: 3 * H}, status="approved")
    services.decide_review(timesheet=void, by=staff, decision="void", reason="Entered twice")
    services.grant_weekly_maximum_exception(
        recipient=rosa,
        program="IHSS",
        month=NOV_1,
        provider=ana,
        reason="Hospital discharge",
        by=staff,
    )
    services.grant_weekly_maximum_exception(
        recipient=sam, program="IHSS", month=NOV_1, provider=None, reason="Respite", by=staff
    )

    # Paid sick leave: worked enough in August and September to use it.
    _carried_over(world, 0, {dt.date(2026, 8, 3) + dt.timedelta(days=i): 10 * H for i in range(13)}, "approved")  # fmt: skip
    _carried_over(world, 0, {dt.date(2026, 8, 16) + dt.timedelta(days=i): 10 * H for i in range(16)}, "approved")  # fmt: skip
    claims = [
        services.claim_sick_leave(
            provider=ana,
            recipient=rosa,
            program="IHSS",
            day=dt.date(2026, 11, 16) + dt.timedelta(days=i),
            minutes=2 * H,
            by=world.provider_user,
        )
        for i in range(2)
    ]
    services.approve_sick_leave(claim=claims[0], by=world.recipient_users[0])
    services.reject_sick_leave(claim=claims[1], by=world.recipient_users[0], reason="Not that day")

    # Two violations (hours carried over from before the portal) and the county's steps.
    def over_66(sunday: dt.date) -> Violation:
        week = {sunday + dt.timedelta(days=i): 8 * H for i in range(1, 6)}
        _carried_over(world, 0, week, "approved")
        second = _carried_over(world, 1, {d: 6 * H for d in week}, Timesheet.Status.SUBMITTED)
        services.approve(timesheet=second, by=world.recipient_users[1], signature="Wei Chen")
        return Violation.objects.get(provider=ana, week_start=sunday)

    first, second = over_66(dt.date(2026, 9, 6)), over_66(dt.date(2026, 10, 4))
    services.file_dispute(violation=first, filed_on=first.noticed_on, by=staff)
    services.decide_dispute(violation=first, upheld=False, reason="Hours stand", by=staff)
    services.record_training(violation=second, completed_on=second.noticed_on, by=staff)


def _pages(readers) -> list[tuple[str, str, list[str]]]:
    """(who, address, what must be on it) for every page and API trail showing a history."""
    county_roles = ["county", "state", "desk"]
    pages: list[tuple[str, str, list[str]]] = []

    def staff_of(record) -> list[str]:
        # The county worker is Los Angeles'; the imported samples are Sacramento's.
        return county_roles if record.county.code == "19" else ["state", "desk"]

    for recipient in Recipient.objects.select_related("county"):
        for who in staff_of(recipient):
            pages.append((who, reverse("cases:recipient-detail", args=[recipient.case_number]), ["History of changes"]))  # fmt: skip
            pages.append((who, f"/api/v1/cases/recipients/{recipient.case_number}/audit", []))
    for provider in Provider.objects.select_related("county"):
        for who in staff_of(provider):
            pages.append((who, reverse("cases:provider-detail", args=[provider.provider_number]), ["History of changes"]))  # fmt: skip
            pages.append((who, f"/api/v1/cases/providers/{provider.provider_number}/audit", []))
    for sheet in Timesheet.objects.all():
        owners = ["provider", "recipient" if sheet.recipient_id == _rosa_id() else "recipient1"]
        for who in [*county_roles, *owners]:
            if sheet.recipient.case_number in {_sam_case()} and who.startswith("recipient"):
                continue
            pages.append((who, reverse("timesheets:detail", args=[sheet.pk]), ["History"]))
    for claim in SickLeaveClaim.objects.all():
        for who in [*county_roles, "provider", "recipient"]:
            pages.append((who, reverse("timesheets:sick-leave-claim", args=[claim.pk]), ["History"]))  # fmt: skip
    for violation in Violation.objects.all():
        for who in [*county_roles, "provider"]:
            pages.append((who, reverse("timesheets:violation", args=[violation.pk]), ["History"]))
    return pages


def _rosa_id() -> int:
    return Recipient.objects.get(first_name="Rosa").pk


def _sam_case() -> str:
    return Recipient.objects.get(first_name="Sam").case_number


def _open_every_page(client, readers) -> int:
    opened = 0
    for who, address, expected in _pages(readers):
        client.force_login(readers[who])
        response = client.get(address)
        assert response.status_code == 200, (who, address, response.status_code)
        text = response.content.decode()
        for words in expected:
            assert words in text, (who, address, words)
        opened += 1
    return opened


def test_every_audited_write_leaves_every_history_page_readable_by_everyone_who_may_see_it(
    world, readers, client
):
    _every_write(world, readers)

    written = set(AuditEvent.objects.values_list("action", flat=True))
    missing = _source_actions() - written
    assert not missing, f"Add a call that writes {sorted(missing)} to _every_write"
    assert _open_every_page(client, readers) > 100


def test_the_recipient_page_shows_the_weekly_maximum_exception_in_plain_words(
    world, readers, client
):
    services.grant_weekly_maximum_exception(
        recipient=world.recipients[0],
        program="IHSS",
        month=NOV_1,
        provider=world.provider,
        reason="Hospital discharge",
        by=readers["county"],
    )
    client.force_login(readers["county"])
    page = client.get(reverse("cases:recipient-detail", args=[world.recipients[0].case_number]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Hospital discharge" in text
    assert "Month:" in text and "2026" in text


ODD_SNAPSHOTS = [
    ({"no_such_field": 1}, {"no_such_field": 2}),
    (None, {"month": "2026-11-01", "provider": ""}),
    (["a", "list"], {"nested": {"deep": [1, {"x": None}]}}),
    (None, 42),
    ("text", None),
    ({"weird_minutes": "ninety"}, {"weird_minutes": [1, 2]}),
    ({"day": "2026-13-45"}, {"day": "2026-02-30"}),
    ({"x": "y" * 5000}, {"x": True}),
    ({"assigned_monthly_minutes": -45}, {"assigned_monthly_minutes": 10**15}),
    ({"amount_cents": 1.5}, {"odd key \u00e9": "\u202etext"}),
]


def test_events_of_any_shape_never_break_a_history_page(world, readers, client):
    day = dt.date(2026, 11, 2)
    sheet = world.fill(world.open(0, day), {day: 2 * H})
    assignment = Assignment.objects.filter(recipient=world.recipients[0]).first()
    subjects = [
        (world.recipients[0], "cases.recipient"),
        (world.provider, "cases.provider"),
        (sheet, "timesheets.timesheet"),
        (assignment, "cases.assignment"),
        (world.recipients[0], "no_such_app.no_such_model"),
        (world.recipients[0], "not a label"),
    ]
    for subject, subject_type in subjects:
        for before, after in ODD_SNAPSHOTS:
            AuditEvent.objects.create(
                actor_name="Someone (someone)",
                action="some_app.something_new",
                subject_type=subject_type,
                subject_id=str(subject.pk),
                subject_label="A record",
                before=before,
                after=after,
            )
    for who, address in [
        ("county", reverse("cases:recipient-detail", args=[world.recipients[0].case_number])),
        ("state", reverse("cases:provider-detail", args=[world.provider.provider_number])),
        ("desk", f"/api/v1/cases/recipients/{world.recipients[0].case_number}/audit"),
        ("desk", f"/api/v1/cases/providers/{world.provider.provider_number}/audit"),
        ("provider", reverse("timesheets:detail", args=[sheet.pk])),
        ("county", reverse("timesheets:detail", args=[sheet.pk])),
    ]:
        client.force_login(readers[who])
        response = client.get(address)
        assert response.status_code == 200, (who, address)
        shown = response.content.decode().lower()
        assert "something new" in shown or "something_new" in shown, (
            who,
            address,
        )
