"""The case-record workflows: their rules, and the audit event each one writes."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ihss import test as cast
from ihss.cases import rules, services
from ihss.cases.models import (
    Assignment,
    AuthorizedHours,
    OvertimeExemption,
    Program,
    Provider,
    Recipient,
    TravelAgreement,
)
from ihss.core.audit import trail
from ihss.core.models import AuditEvent, ProgramParameter

pytestmark = pytest.mark.django_db

H = 60
JAN = dt.date(2026, 1, 1)
MAR = dt.date(2026, 3, 1)
ENROLLED: dict[str, Any] = dict(
    soc426_received_on=dt.date(2025, 3, 1),
    orientation_completed_on=dt.date(2025, 3, 8),
    background_check_cleared_on=dt.date(2025, 4, 2),
    soc846_signed_on=dt.date(2025, 4, 3),
)


def after(event):
    """The event's after-snapshot (untyped: JSON)."""
    return event.after


def messages_of(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


def recipient_fields(**overrides):
    values = dict(
        case_number="1901234",
        first_name="Maria",
        last_name="Lopez",
        date_of_birth=dt.date(1948, 5, 6),
        county=cast.county("19"),
    )
    values.update(overrides)
    return values


# --- Recipients ---------------------------------------------------------------------------


def test_creating_a_recipient_records_who_did_it_and_only_the_ssns_last_four_digits(la_staff):
    recipient = services.create_recipient(
        fields=recipient_fields(), ssn="521-45-9876", by=la_staff, reason="New referral"
    )

    assert Recipient.objects.get(pk=recipient.pk).ssn == "521459876"
    event = trail(recipient).get()
    assert event.action == "recipient.created"
    assert event.actor == la_staff
    assert event.reason == "New referral"
    assert event.before is None
    assert after(event)["case_number"] == "1901234"
    assert after(event)["county"] == "Los Angeles"
    assert after(event)["ssn_last4"] == "9876"
    written = json.dumps(event.after)
    assert "521459876" not in written
    assert "521-45-9876" not in written


def test_it_refuses_a_second_recipient_with_the_same_ssn(la_staff):
    cast.make_recipient(ssn="521459876")
    with pytest.raises(ValidationError) as excinfo:
        services.create_recipient(fields=recipient_fields(), ssn="521459876", by=la_staff)
    assert "Another recipient already has this Social Security number" in messages_of(
        excinfo, "ssn"
    )
    assert not Recipient.objects.filter(case_number="1901234").exists()


def test_it_refuses_a_case_number_already_in_use(la_staff, la_recipient):
    with pytest.raises(ValidationError) as excinfo:
        services.create_recipient(
            fields=recipient_fields(case_number=la_recipient.case_number), by=la_staff
        )
    assert "already exists" in messages_of(excinfo, "case_number")


def test_updating_a_recipient_records_the_changed_fields_before_and_after(la_staff, la_recipient):
    services.update_recipient(
        recipient=la_recipient,
        fields={"city": "Pasadena", "severely_impaired": True},
        by=la_staff,
        reason="Reassessment visit",
    )

    la_recipient.refresh_from_db()
    assert la_recipient.city == "Pasadena"
    assert la_recipient.severely_impaired
    event = trail(la_recipient).get()
    assert event.action == "recipient.updated"
    assert event.actor == la_staff
    assert event.reason == "Reassessment visit"
    assert ("city", "", "Pasadena") in event.changes()
    assert ("severely_impaired", False, True) in event.changes()
    assert len(event.changes()) == 2


def test_an_update_that_changes_nothing_writes_no_event(la_staff, la_recipient):
    services.update_recipient(
        recipient=la_recipient, fields={"first_name": la_recipient.first_name}, by=la_staff
    )
    assert not trail(la_recipient).exists()


def test_replacing_an_ssn_is_recorded_with_the_last_four_digits_only(la_staff):
    recipient = cast.make_recipient(ssn="521450011")
    services.update_recipient(
        recipient=recipient, fields={}, ssn="521-45-0022", by=la_staff, reason="Typo at intake"
    )

    recipient.refresh_from_db()
    assert recipient.ssn == "521450022"
    event = trail(recipient).get()
    assert event.action == "recipient.ssn_replaced"
    assert event.before == {"ssn_last4": "0011"}
    assert event.after == {"ssn_last4": "0022"}
    assert "52145" not in json.dumps([event.before, event.after])


def test_the_case_number_is_not_changed_by_an_update(la_staff, la_recipient):
    with pytest.raises(TypeError, match="case_number"):
        services.update_recipient(
            recipient=la_recipient, fields={"case_number": "1999999"}, by=la_staff
        )


# --- Authorized hours ---------------------------------------------------------------------


def change_hours(recipient, minutes, on, by, program=Program.IHSS, reason="Reassessment"):
    return services.change_authorized_hours(
        recipient=recipient,
        program=program,
        monthly_minutes=minutes,
        effective_from=on,
        by=by,
        reason=reason,
    )


def test_a_change_of_hours_closes_the_open_row_the_day_before(la_staff, la_recipient):
    first = cast.authorize(la_recipient, 100 * H, start=JAN)

    new = change_hours(la_recipient, 120 * H + 30, MAR, la_staff)

    first.refresh_from_db()
    assert first.effective_to == dt.date(2026, 2, 28)
    assert (new.monthly_minutes, new.effective_from, new.effective_to) == (120 * H + 30, MAR, None)
    closed = trail(first).get()
    assert closed.action == "authorized_hours.closed"
    assert closed.changes() == [("effective_to", None, "2026-02-28")]
    added = trail(new).get()
    assert added.action == "authorized_hours.added"
    assert added.actor == la_staff
    assert added.reason == "Reassessment"
    assert after(added)["monthly_minutes"] == 120 * H + 30
    assert after(added)["effective_from"] == "2026-03-01"


def test_a_change_on_the_date_of_the_latest_row_replaces_its_value(la_staff, la_recipient):
    row = cast.authorize(la_recipient, 100 * H, start=MAR)

    same = change_hours(la_recipient, 90 * H, MAR, la_staff, reason="Corrected entry")

    assert same.pk == row.pk
    assert AuthorizedHours.objects.filter(recipient=la_recipient).count() == 1
    event = trail(row).get()
    assert event.action == "authorized_hours.updated"
    assert event.changes() == [("monthly_minutes", 100 * H, 90 * H)]
    assert event.reason == "Corrected entry"


def test_the_same_change_sent_twice_is_made_and_recorded_once(la_staff, la_recipient):
    cast.authorize(la_recipient, 100 * H, start=JAN)
    first = change_hours(la_recipient, 120 * H, MAR, la_staff)
    again = change_hours(la_recipient, 120 * H, MAR, la_staff)
    assert again.pk == first.pk
    assert AuthorizedHours.objects.filter(recipient=la_recipient).count() == 2
    assert AuditEvent.objects.filter(action__startswith="authorized_hours.").count() == 2


def test_it_refuses_a_change_dated_before_the_latest_change(la_staff, la_recipient):
    cast.authorize(la_recipient, 100 * H, start=MAR)
    with pytest.raises(ValidationError) as excinfo:
        change_hours(la_recipient, 90 * H, JAN, la_staff)
    assert "already change on 03/01/2026" in messages_of(excinfo, "effective_from")
    assert AuthorizedHours.objects.filter(recipient=la_recipient).count() == 1


def test_hours_of_the_other_program_are_a_separate_history(la_staff, la_recipient):
    cast.authorize(la_recipient, 100 * H, start=MAR)
    wpcs = change_hours(la_recipient, 20 * H, JAN, la_staff, program=Program.WPCS)
    assert wpcs.effective_to is None
    assert AuthorizedHours.objects.get(program=Program.IHSS).effective_to is None


def test_it_accepts_exactly_283_hours_for_a_severely_impaired_recipient(la_staff):
    recipient = cast.make_recipient(severely_impaired=True)
    assert change_hours(recipient, 283 * H, JAN, la_staff).monthly_minutes == 283 * H


def test_it_refuses_hours_above_the_283_hour_monthly_maximum(la_staff):
    recipient = cast.make_recipient(severely_impaired=True)
    with pytest.raises(ValidationError) as excinfo:
        change_hours(recipient, 283 * H + 1, JAN, la_staff)
    assert messages_of(excinfo, "monthly_minutes") == (
        "283 h 1 min a month is more than the 283 h a severely impaired recipient can be "
        "authorized."
    )
    assert not AuthorizedHours.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_more_than_195_hours_unless_the_recipient_is_severely_impaired(
    la_staff, la_recipient
):
    assert change_hours(la_recipient, 195 * H, JAN, la_staff)
    with pytest.raises(ValidationError) as excinfo:
        change_hours(la_recipient, 196 * H, MAR, la_staff)
    assert "more than the 195 h a recipient who is not severely impaired" in messages_of(
        excinfo, "monthly_minutes"
    )


def test_the_maximum_is_the_parameter_in_force_on_the_effective_date(la_staff, la_recipient):
    ProgramParameter.objects.create(
        key="recipient_monthly_max",
        effective_from=dt.date(2027, 1, 1),
        value=200 * H,
        unit="minutes",
        description="Raised maximum",
    )
    with pytest.raises(ValidationError):
        change_hours(la_recipient, 200 * H, dt.date(2026, 12, 1), la_staff)
    assert change_hours(la_recipient, 200 * H, dt.date(2027, 1, 1), la_staff)


def test_a_change_of_hours_needs_a_reason(la_staff, la_recipient):
    with pytest.raises(ValidationError) as excinfo:
        change_hours(la_recipient, 100 * H, JAN, la_staff, reason="  ")
    assert "Say why the hours change" in messages_of(excinfo, "reason")
    assert not AuthorizedHours.objects.exists()


# --- Providers ----------------------------------------------------------------------------


def provider_fields(**overrides):
    values = dict(
        provider_number="191234567",
        first_name="Luz",
        last_name="Ortega",
        date_of_birth=dt.date(1990, 2, 3),
        county=cast.county("19"),
    )
    values.update(overrides)
    return values


def test_creating_a_provider_is_audited_without_the_clear_ssn(la_staff):
    provider = services.create_provider(fields=provider_fields(), ssn="521467777", by=la_staff)
    event = trail(provider).get()
    assert event.action == "provider.created"
    assert event.actor == la_staff
    assert after(event)["provider_number"] == "191234567"
    assert after(event)["status"] == "Enrollment pending"
    assert after(event)["ssn_last4"] == "7777"
    assert "521467777" not in json.dumps(event.after)


def test_a_provider_cannot_be_active_before_all_four_enrollment_steps(la_staff, la_provider):
    with pytest.raises(ValidationError) as excinfo:
        services.update_provider(
            provider=la_provider,
            fields={
                "status": Provider.Status.ACTIVE,
                "soc426_received_on": dt.date(2025, 3, 1),
                "orientation_completed_on": dt.date(2025, 3, 8),
            },
            by=la_staff,
        )
    message = messages_of(excinfo, "status")
    assert "Still missing: background check cleared; SOC 846 enrollment agreement signed." in (
        message
    )
    assert "orientation" not in message
    la_provider.refresh_from_db()
    assert la_provider.status == Provider.Status.PENDING
    assert la_provider.soc426_received_on is None


def test_a_new_provider_cannot_start_active_without_enrollment(la_staff):
    with pytest.raises(ValidationError) as excinfo:
        services.create_provider(fields=provider_fields(status=Provider.Status.ACTIVE), by=la_staff)
    assert "SOC 426 enrollment form received" in messages_of(excinfo, "status")


def test_an_enrolled_provider_becomes_active_and_the_change_is_audited(la_staff, la_provider):
    services.update_provider(
        provider=la_provider,
        fields={"status": Provider.Status.ACTIVE, **ENROLLED},
        by=la_staff,
        reason="Enrollment complete",
    )
    la_provider.refresh_from_db()
    assert la_provider.status == Provider.Status.ACTIVE
    event = trail(la_provider).get()
    assert event.action == "provider.updated"
    assert ("status", "Enrollment pending", "Active") in event.changes()
    assert ("soc846_signed_on", None, "2025-04-03") in event.changes()
    assert event.reason == "Enrollment complete"


def test_clearing_a_step_of_an_active_provider_is_refused(la_staff):
    provider = cast.make_provider(status=Provider.Status.ACTIVE, **ENROLLED)
    with pytest.raises(ValidationError) as excinfo:
        services.update_provider(
            provider=provider, fields={"orientation_completed_on": None}, by=la_staff
        )
    assert "Still missing: orientation completed." in messages_of(excinfo, "status")


# --- Assignments --------------------------------------------------------------------------


def create_assignment(provider, recipient, by, start=JAN, end=None, program=Program.IHSS):
    return services.create_assignment(
        recipient=recipient,
        provider=provider,
        program=program,
        assigned_monthly_minutes=80 * H,
        start_date=start,
        end_date=end,
        by=by,
        reason="Recipient chose this provider",
    )


def test_creating_an_assignment_is_audited(la_staff, la_provider, la_recipient):
    assignment = create_assignment(la_provider, la_recipient, la_staff)
    event = trail(assignment).get()
    assert event.action == "assignment.created"
    assert event.actor == la_staff
    assert event.reason == "Recipient chose this provider"
    assert after(event)["assigned_monthly_minutes"] == 80 * H
    assert after(event)["provider"] == str(la_provider)
    assert after(event)["start_date"] == "2026-01-01"


def test_it_refuses_a_second_open_assignment_of_the_same_provider_recipient_and_program(
    la_staff, la_provider, la_recipient
):
    create_assignment(la_provider, la_recipient, la_staff)
    with pytest.raises(ValidationError) as excinfo:
        create_assignment(la_provider, la_recipient, la_staff, start=MAR)
    assert "already works for this recipient in IHSS from 01/01/2026, with no end date" in (
        messages_of(excinfo, "start_date")
    )
    assert Assignment.objects.count() == 1


def test_it_refuses_an_assignment_overlapping_an_ended_one(la_staff, la_provider, la_recipient):
    create_assignment(la_provider, la_recipient, la_staff, end=dt.date(2026, 3, 31))
    with pytest.raises(ValidationError) as excinfo:
        create_assignment(la_provider, la_recipient, la_staff, start=MAR)
    assert "from 01/01/2026 to 03/31/2026" in messages_of(excinfo, "start_date")


def test_assignments_in_another_program_or_after_the_end_are_allowed(
    la_staff, la_provider, la_recipient
):
    create_assignment(la_provider, la_recipient, la_staff, end=dt.date(2026, 2, 28))
    create_assignment(la_provider, la_recipient, la_staff, start=MAR)
    create_assignment(la_provider, la_recipient, la_staff, program=Program.WPCS)
    assert Assignment.objects.count() == 3


def test_an_assignment_cannot_end_before_it_starts(la_staff, la_provider, la_recipient):
    with pytest.raises(ValidationError) as excinfo:
        create_assignment(la_provider, la_recipient, la_staff, start=MAR, end=JAN)
    assert "cannot be before the start date (03/01/2026)" in messages_of(excinfo, "end_date")
    assignment = create_assignment(la_provider, la_recipient, la_staff, start=MAR)
    with pytest.raises(ValidationError) as excinfo:
        services.end_assignment(assignment=assignment, end_date=JAN, by=la_staff)
    assert "cannot be before the start date" in messages_of(excinfo, "end_date")


def test_updating_an_assignment_records_before_and_after(la_staff, la_provider, la_recipient):
    assignment = create_assignment(la_provider, la_recipient, la_staff)
    services.update_assignment(
        assignment=assignment,
        fields={"assigned_monthly_minutes": 90 * H, "family_relationship": "child"},
        by=la_staff,
        reason="Hours shared differently",
    )
    event = trail(assignment)[0]
    assert event.action == "assignment.updated"
    assert ("assigned_monthly_minutes", 80 * H, 90 * H) in event.changes()
    assert ("family_relationship", "Not related", "Child of the recipient") in event.changes()
    assert event.reason == "Hours shared differently"


def test_an_update_cannot_make_two_assignments_overlap(la_staff, la_provider, la_recipient):
    create_assignment(la_provider, la_recipient, la_staff, end=dt.date(2026, 2, 28))
    later = create_assignment(la_provider, la_recipient, la_staff, start=MAR)
    with pytest.raises(ValidationError):
        services.update_assignment(
            assignment=later, fields={"start_date": dt.date(2026, 2, 1)}, by=la_staff
        )


def test_ending_an_assignment_sets_its_last_day_and_is_audited(la_staff, la_provider, la_recipient):
    assignment = create_assignment(la_provider, la_recipient, la_staff)
    services.end_assignment(
        assignment=assignment, end_date=dt.date(2026, 6, 30), by=la_staff, reason="Moved away"
    )
    assignment.refresh_from_db()
    assert assignment.end_date == dt.date(2026, 6, 30)
    event = trail(assignment)[0]
    assert event.action == "assignment.ended"
    assert event.changes() == [("end_date", None, "2026-06-30")]
    assert event.reason == "Moved away"
    with pytest.raises(ValidationError) as excinfo:
        services.end_assignment(assignment=assignment, end_date=dt.date(2026, 7, 31), by=la_staff)
    assert "already ends on 06/30/2026" in messages_of(excinfo, "end_date")


# --- Overtime exemptions ------------------------------------------------------------------


def add_exemption(provider, by, kind=2, circumstance="remote_area", start=JAN, end=None):
    return services.add_exemption(
        provider=provider,
        kind=kind,
        circumstance=circumstance,
        approved_on=dt.date(2025, 12, 15),
        effective_from=start,
        effective_to=end,
        by=by,
        reason="SOC 2305 approved",
    )


def test_adding_an_exemption_is_audited(la_staff, la_provider):
    exemption = add_exemption(la_provider, la_staff)
    event = trail(exemption).get()
    assert event.action == "exemption.added"
    assert event.actor == la_staff
    assert event.reason == "SOC 2305 approved"
    assert after(event)["kind"].startswith("Exemption 2")
    assert after(event)["circumstance"] == "Rural or remote area with few providers"


def test_exemption_2_needs_a_circumstance_and_exemption_1_has_none(la_staff, la_provider):
    with pytest.raises(ValidationError) as excinfo:
        add_exemption(la_provider, la_staff, circumstance="")
    assert "choose which one" in messages_of(excinfo, "circumstance")
    with pytest.raises(ValidationError) as excinfo:
        add_exemption(la_provider, la_staff, kind=1, circumstance="language")
    assert "applies only to Exemption 2" in messages_of(excinfo, "circumstance")
    assert not OvertimeExemption.objects.exists()


def test_it_refuses_an_exemption_overlapping_one_of_the_same_kind(la_staff, la_provider):
    add_exemption(la_provider, la_staff, end=dt.date(2026, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        add_exemption(la_provider, la_staff, start=MAR)
    assert "already has this exemption from 01/01/2026" in messages_of(excinfo, "effective_from")
    assert add_exemption(la_provider, la_staff, start=dt.date(2026, 7, 1))
    assert add_exemption(la_provider, la_staff, kind=1, circumstance="", start=MAR)


def test_ending_an_exemption_is_audited_and_cannot_precede_its_start(la_staff, la_provider):
    exemption = add_exemption(la_provider, la_staff, start=MAR)
    with pytest.raises(ValidationError) as excinfo:
        services.end_exemption(exemption=exemption, effective_to=JAN, by=la_staff)
    assert "cannot be before the start date" in messages_of(excinfo, "effective_to")
    services.end_exemption(
        exemption=exemption, effective_to=dt.date(2026, 9, 30), by=la_staff, reason="Moved"
    )
    event = trail(exemption)[0]
    assert event.action == "exemption.ended"
    assert event.changes() == [("effective_to", None, "2026-09-30")]
    assert event.reason == "Moved"


# --- Travel agreements --------------------------------------------------------------------


@pytest.fixture
def two_recipients(la_provider):
    first = cast.make_recipient(first_name="Ada", last_name="First")
    second = cast.make_recipient(first_name="Bea", last_name="Second")
    cast.assign(la_provider, first, 60 * H)
    cast.assign(la_provider, second, 60 * H)
    return first, second


def add_travel(provider, pair, by, minutes=3 * H, start=JAN, end=None):
    return services.add_travel_agreement(
        provider=provider,
        from_recipient=pair[0],
        to_recipient=pair[1],
        weekly_minutes=minutes,
        signed_on=dt.date(2025, 12, 20),
        effective_from=start,
        effective_to=end,
        by=by,
        reason="SOC 2255 received",
    )


def test_adding_a_travel_agreement_is_audited(la_staff, la_provider, two_recipients):
    agreement = add_travel(la_provider, two_recipients, la_staff)
    event = trail(agreement).get()
    assert event.action == "travel_agreement.added"
    assert event.actor == la_staff
    assert event.reason == "SOC 2255 received"
    assert after(event)["weekly_minutes"] == 3 * H
    assert after(event)["from_recipient"] == str(two_recipients[0])


def test_it_refuses_travel_above_the_7_hour_weekly_cap(la_staff, la_provider, two_recipients):
    assert add_travel(la_provider, two_recipients, la_staff, minutes=7 * H)
    TravelAgreement.objects.all().delete()
    with pytest.raises(ValidationError) as excinfo:
        add_travel(la_provider, two_recipients, la_staff, minutes=7 * H + 1)
    assert messages_of(excinfo, "weekly_minutes") == (
        "7 h 1 min a week is more than the 7 h of travel a provider can claim."
    )


def test_it_refuses_agreements_that_together_pass_the_weekly_cap(
    la_staff, la_provider, two_recipients
):
    first, second = two_recipients
    add_travel(la_provider, (first, second), la_staff, minutes=4 * H, end=dt.date(2026, 2, 28))
    with pytest.raises(ValidationError) as excinfo:
        add_travel(la_provider, (second, first), la_staff, minutes=4 * H, start=dt.date(2026, 2, 1))
    assert "comes to 8 h a week" in messages_of(excinfo, "weekly_minutes")
    # After the first one ends, there is room again.
    assert add_travel(la_provider, (second, first), la_staff, minutes=4 * H, start=MAR)


def test_travel_is_between_two_different_recipients(la_staff, la_provider, two_recipients):
    first, _ = two_recipients
    with pytest.raises(ValidationError) as excinfo:
        add_travel(la_provider, (first, first), la_staff)
    assert "two different recipients" in messages_of(excinfo, "to_recipient")


def test_travel_needs_an_assignment_with_both_recipients(la_staff, la_provider, two_recipients):
    stranger = cast.make_recipient(first_name="Cy", last_name="Unassigned")
    with pytest.raises(ValidationError) as excinfo:
        add_travel(la_provider, (two_recipients[0], stranger), la_staff)
    assert "no assignment with Cy Unassigned" in messages_of(excinfo, "to_recipient")
    assert not TravelAgreement.objects.exists()


def test_ending_a_travel_agreement_is_audited(la_staff, la_provider, two_recipients):
    agreement = add_travel(la_provider, two_recipients, la_staff)
    services.end_travel_agreement(
        agreement=agreement, effective_to=dt.date(2026, 4, 30), by=la_staff, reason="Ended"
    )
    agreement.refresh_from_db()
    assert agreement.effective_to == dt.date(2026, 4, 30)
    event = trail(agreement)[0]
    assert event.action == "travel_agreement.ended"
    assert event.changes() == [("effective_to", None, "2026-04-30")]


# --- Pure arithmetic (rules.py) -----------------------------------------------------------


def test_hours_and_minutes_convert_both_ways():
    assert rules.join_minutes(70, 45) == 4245
    assert rules.split_minutes(4245) == (70, 45)
    with pytest.raises(ValueError):
        rules.join_minutes(1, 60)


def test_the_peak_counts_only_periods_in_force_on_the_same_day():
    periods = [
        (JAN, dt.date(2026, 1, 31), 4 * H),
        (dt.date(2026, 2, 1), None, 4 * H),
        (dt.date(2026, 1, 15), dt.date(2026, 2, 15), 2 * H),
    ]
    assert rules.peak_total(periods) == 6 * H
    assert rules.peak_total([*periods, (dt.date(2026, 1, 31), dt.date(2026, 1, 31), H)]) == 7 * H
