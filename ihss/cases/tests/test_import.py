"""Bulk import: the all-or-nothing rule, and every rule a row is checked against.

Files are real CSV files written to tmp_path and read back, as the command and the upload
page read them. The helpers here are shared by the command and page tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from ihss import test as cast
from ihss.cases import import_rules, importing
from ihss.cases.models import Assignment, AuthorizedHours, ImportJob, Provider, Recipient
from ihss.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"
SAMPLE_FILES = [SAMPLES / "recipients.csv", SAMPLES / "providers.csv", SAMPLES / "assignments.csv"]

RECIPIENT = {
    "case_number": "3400201",
    "first_name": "Ana",
    "middle_name": "",
    "last_name": "Testa",
    "date_of_birth": "1950-01-31",
    "ssn": "521-49-0001",
    "street": "1 Main St",
    "city": "Sacramento",
    "zip_code": "95814",
    "latitude": "",
    "longitude": "",
    "phone": "916-555-0100",
    "email": "ana@example.org",
    "preferred_language": "es",
    "county_code": "34",
    "status": "active",
    "severely_impaired": "no",
    "needs_cognitive_behavioral": "no",
    "needs_complex_physical": "no",
    "needs_community_transition": "no",
    "representative_name": "",
    "representative_relationship": "",
    "representative_phone": "",
    "representative_email": "",
    "ihss_monthly_hours": "100:00",
    "wpcs_monthly_hours": "",
    "hours_effective_from": "2025-07-01",
}
PROVIDER = {
    "provider_number": "340000201",
    "first_name": "Lee",
    "middle_name": "",
    "last_name": "Carer",
    "date_of_birth": "1980-05-05",
    "ssn": "521-50-0001",
    "street": "",
    "city": "",
    "zip_code": "",
    "latitude": "",
    "longitude": "",
    "phone": "",
    "email": "",
    "preferred_language": "",
    "county_code": "34",
    "status": "active",
    "soc426_received_on": "2025-01-02",
    "orientation_completed_on": "2025-01-09",
    "background_check_cleared_on": "2025-02-01",
    "soc846_signed_on": "2025-02-03",
}
ASSIGNMENT = {
    "provider_number": "340000201",
    "case_number": "3400201",
    "program": "IHSS",
    "assigned_monthly_hours": "100:00",
    "start_date": "2025-07-01",
    "end_date": "",
    "live_in_certified_on": "",
    "family_relationship": "none",
}


def recipient(**changes: str) -> dict[str, str]:
    return {**RECIPIENT, **changes}


def provider(**changes: str) -> dict[str, str]:
    return {**PROVIDER, **changes}


def assignment(**changes: str) -> dict[str, str]:
    return {**ASSIGNMENT, **changes}


def write_csv(folder: Path, name: str, rows: list[dict[str, str]], header=None) -> Path:
    path = folder / name
    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
    return path


def source(path: Path) -> importing.SourceFile:
    return importing.SourceFile(path.name, path.read_bytes())


def run(tmp_path, *, recipients=(), providers=(), assignments=(), **options):
    paths = []
    if recipients:
        paths.append(write_csv(tmp_path, "recipients.csv", list(recipients)))
    if providers:
        paths.append(write_csv(tmp_path, "providers.csv", list(providers)))
    if assignments:
        paths.append(write_csv(tmp_path, "assignments.csv", list(assignments)))
    return importing.import_files([source(p) for p in paths], **options)


def where(outcome) -> list[tuple[str, int, str]]:
    return [(p.file, p.row, p.column) for p in outcome.problems]


def only_problem(outcome):
    assert outcome.error_count == 1, [str(p) for p in outcome.problems]
    return outcome.problems[0]


def nothing_imported() -> bool:
    return not (
        Recipient.objects.exists()
        or Provider.objects.exists()
        or Assignment.objects.exists()
        or AuditEvent.objects.filter(action__endswith=".imported").exists()
    )


# --- The whole import -----------------------------------------------------------------


def test_the_samples_import_cleanly_with_hours_assignments_and_audit_events():
    outcome = importing.import_files([source(p) for p in SAMPLE_FILES], reason="Import #7: x")

    assert outcome.ok and outcome.written
    assert (outcome.recipients, outcome.providers, outcome.assignments) == (3, 3, 4)
    margaret = Recipient.objects.get(case_number="3400101")
    assert margaret.full_name == "Margaret Ann Okafor"
    assert margaret.county.code == "34" and margaret.severely_impaired
    assert margaret.ssn == "521470101" and margaret.ssn_masked == "***-**-0101"
    assert margaret.representative_name == "Daniel Okafor"
    assert Recipient.objects.get(case_number="1900103").ssn == ""
    hours = {
        (h.recipient.case_number, h.program): h.monthly_minutes
        for h in AuthorizedHours.objects.select_related("recipient")
    }
    assert hours == {
        ("3400101", "IHSS"): 283 * 60,
        ("3400102", "IHSS"): 120 * 60 + 30,
        ("3400102", "WPCS"): 40 * 60,
        ("1900103", "IHSS"): 86 * 60 + 15,
    }
    daniel = Provider.objects.get(provider_number="340000101")
    assert daniel.enrollment_complete and daniel.status == "active"
    live_in = Assignment.objects.get(provider=daniel)
    assert live_in.recipient == margaret and live_in.is_live_in
    assert live_in.assigned_monthly_minutes == 200 * 60 and live_in.family_relationship == "child"
    assert Assignment.objects.get(program="WPCS").end_date == dt.date(2025, 12, 31)

    events = AuditEvent.objects.filter(reason="Import #7: x")
    assert sorted(events.values_list("action", flat=True)) == sorted(
        ["recipient.imported"] * 3 + ["provider.imported"] * 3 + ["assignment.imported"] * 4
    )
    event = events.get(subject_type="cases.recipient", subject_id=str(margaret.pk))
    assert event.actor is None and event.actor_name == "System"
    assert event.after is not None
    assert event.after["case_number"] == "3400101"
    assert event.after["county"] == "Sacramento"
    assert event.after["authorized_hours"] == [
        {"program": "IHSS", "monthly_minutes": 283 * 60, "effective_from": "2025-07-01"}
    ]
    assert "ssn" not in event.after and "ssn_last4" not in event.after
    assert "47-0101" not in str(event.after) and "521470101" not in str(event.after)


def test_the_importing_user_is_the_actor_of_the_audit_events(tmp_path, state_admin):
    run(tmp_path, recipients=[recipient()], actor=state_admin)
    event = AuditEvent.objects.get(action="recipient.imported")
    assert event.actor == state_admin


def test_one_bad_row_imports_nothing_and_reports_file_row_column_and_message(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient(), recipient(case_number="3400202", ssn="521-49-0002")],
        providers=[
            provider(),
            provider(provider_number="340000202", ssn="521-50-0002", date_of_birth="1980-13-01"),
        ],
        assignments=[assignment()],
    )
    assert not outcome.written
    problem = only_problem(outcome)
    assert (problem.file, problem.row, problem.column) == ("providers.csv", 3, "date_of_birth")
    assert problem.message == "There is no such date; check the day and the month."
    assert nothing_imported()


def test_all_files_are_checked_and_every_problem_is_reported_in_file_and_row_order(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient(first_name=""), recipient(case_number="12", ssn="521-49-0002")],
        providers=[provider(zip_code="ABCDE")],
    )
    assert where(outcome) == [
        ("recipients.csv", 2, "first_name"),
        ("recipients.csv", 3, "case_number"),
        ("providers.csv", 2, "zip_code"),
    ]
    assert nothing_imported()


def test_a_dry_run_checks_everything_and_writes_nothing():
    outcome = importing.import_files([source(p) for p in SAMPLE_FILES], dry_run=True)
    assert outcome.ok and not outcome.written
    assert (outcome.recipients, outcome.providers, outcome.assignments, outcome.hours) == (
        3,
        3,
        4,
        4,
    )
    assert nothing_imported()


def test_files_with_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path):
    path = write_csv(tmp_path, "recipients.csv", [recipient()])
    data = b"\xef\xbb\xbf" + path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    outcome = importing.import_files([importing.SourceFile("recipients.csv", data)])
    assert outcome.ok and Recipient.objects.count() == 1


def test_blank_rows_are_skipped_but_keep_row_numbers_as_in_a_spreadsheet(tmp_path):
    path = write_csv(tmp_path, "recipients.csv", [recipient()])
    bad = recipient(case_number="x", ssn="521-49-0002")
    text = path.read_text() + ",,,\r\n\r\n" + ",".join(bad.values())
    outcome = importing.import_files([importing.SourceFile("recipients.csv", text.encode())])
    assert where(outcome) == [("recipients.csv", 5, "case_number")]


# --- Headers and files ------------------------------------------------------------------


def test_unknown_and_missing_columns_are_reported_on_row_1(tmp_path):
    header = [c for c in RECIPIENT if c != "last_name"] + ["favourite_colour"]
    path = write_csv(tmp_path, "recipients.csv", [recipient()], header=header)
    outcome = importing.import_files([source(path)])
    assert where(outcome) == [("recipients.csv", 1, ""), ("recipients.csv", 1, "last_name")]
    assert "“favourite_colour” is not a column of a recipients file" in outcome.problems[0].message
    assert outcome.problems[1].message == "This required column is missing from the header row."


def test_optional_columns_may_be_left_out(tmp_path):
    header = ["case_number", "first_name", "last_name", "date_of_birth", "county_code", "status"]
    path = write_csv(tmp_path, "recipients.csv", [recipient()], header=header)
    outcome = importing.import_files([source(path)])
    assert outcome.ok
    imported = Recipient.objects.get()
    assert imported.ssn == "" and imported.preferred_language == "en"
    assert not imported.authorized_hours.exists()


def test_a_file_without_a_recognised_header_row_is_reported(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("3400201,Ana,Testa,521-49-0001\n")
    problem = only_problem(importing.import_files([source(path)]))
    assert (problem.file, problem.row) == ("data.csv", 1)
    assert "not the header row of a recipients, providers or assignments file" in problem.message


def test_an_empty_file_and_a_file_that_is_not_utf8_are_reported(tmp_path):
    empty = importing.SourceFile("empty.csv", b"")
    latin = importing.SourceFile("latin.csv", "case_number\n3400201\nJos\xe9\n".encode("latin-1"))
    outcome = importing.import_files([empty, latin])
    assert where(outcome) == [("empty.csv", 1, ""), ("latin.csv", 3, "")]
    assert "not UTF-8" in outcome.problems[1].message


def test_a_row_with_more_cells_than_the_header_is_reported(tmp_path):
    path = write_csv(tmp_path, "recipients.csv", [recipient()])
    data = path.read_bytes().rstrip(b"\r\n") + b",extra\r\n"
    problem = only_problem(importing.import_files([importing.SourceFile("r.csv", data)]))
    assert (problem.row, problem.column) == (2, "")
    assert "28 cells but the header row has 27 columns" in problem.message


# --- Cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("case_number", "123456", "A case number is exactly 7 digits, for example 1234567."),
        ("case_number", "12345678", "A case number is exactly 7 digits, for example 1234567."),
        ("first_name", "", "This column is required; it is empty on this row."),
        ("first_name", "x" * 61, "This is longer than 60 characters."),
        ("date_of_birth", "01/31/1950", "Write the date as YYYY-MM-DD, for example 2025-01-31."),
        ("date_of_birth", "2025-02-30", "There is no such date; check the day and the month."),
        ("date_of_birth", "2999-01-01", "This date is in the future."),
        ("county_code", "99", "There is no county with code 99; county codes are 01 to 58."),
        ("county_code", "LA", "A county code is two digits, from 01 to 58."),
        ("status", "open", "Use one of: active, on_hold, closed."),
        ("severely_impaired", "maybe", "Write yes or no (or leave it empty for no)."),
        ("preferred_language", "fr", "Use one of: en, es, zh, hy, other."),
        ("zip_code", "9581", "Write a 5-digit ZIP code, or ZIP+4 like 95814-1234."),
        ("phone", "555-0100", "Write a 10-digit phone number, for example 916-555-0100."),
        ("email", "ana@", "Write an email address like name@example.org."),
        (
            "ihss_monthly_hours",
            "100.5",
            "Write hours as H:MM, for example 120:30 for 120 hours 30 minutes.",
        ),
        (
            "ihss_monthly_hours",
            "100:60",
            "Write hours as H:MM, for example 120:30 for 120 hours 30 minutes.",
        ),
    ],
)
def test_each_recipient_cell_is_checked_with_a_plain_message(tmp_path, column, value, message):
    problem = only_problem(run(tmp_path, recipients=[recipient(**{column: value})]))
    assert (problem.row, problem.column, problem.message) == (2, column, message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("52149000", "A Social Security number is 9 digits, like 123-45-6789."),
        ("521/49/0001", "A Social Security number is 9 digits, like 123-45-6789."),
        ("000-49-0001", "This is not a valid Social Security number; please check the digits."),
        ("921-49-0001", "This is not a valid Social Security number; please check the digits."),
    ],
)
def test_the_ssn_format_is_checked_without_repeating_the_number(tmp_path, value, message):
    problem = only_problem(run(tmp_path, recipients=[recipient(ssn=value)]))
    assert (problem.column, problem.message) == ("ssn", message)


def test_a_single_digit_county_code_is_read_with_its_leading_zero(tmp_path):
    assert run(tmp_path, recipients=[recipient(county_code="1")]).ok
    assert Recipient.objects.get().county.name == "Alameda"


def test_yes_no_and_choices_are_read_whatever_their_case(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient(severely_impaired="YES", status="On_Hold", preferred_language="ES")],
        providers=[provider()],
        assignments=[assignment(program="ihss")],
    )
    assert outcome.ok
    imported = Recipient.objects.get()
    assert imported.severely_impaired and imported.status == "on_hold"
    assert imported.preferred_language == "es"
    assert Assignment.objects.get().program == "IHSS"


def test_latitude_and_longitude_come_together_and_within_range(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(latitude="38.5"),
            recipient(case_number="3400202", ssn="521-49-0002", latitude="91", longitude="0"),
            recipient(
                case_number="3400203", ssn="521-49-0003", latitude="1.1234567", longitude="0"
            ),
        ],
    )
    assert where(outcome) == [
        ("recipients.csv", 2, "longitude"),
        ("recipients.csv", 3, "latitude"),
        ("recipients.csv", 4, "latitude"),
    ]
    assert outcome.problems[0].message == "Give both latitude and longitude, or neither."


def test_a_representative_needs_a_name(tmp_path):
    problem = only_problem(
        run(tmp_path, recipients=[recipient(representative_phone="916-555-0199")])
    )
    assert problem.column == "representative_name"


# --- Hours --------------------------------------------------------------------------------


def test_ihss_hours_are_capped_at_283_for_severely_impaired_recipients(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(severely_impaired="yes", ihss_monthly_hours="283:00"),
            recipient(
                case_number="3400202",
                ssn="521-49-0002",
                severely_impaired="yes",
                ihss_monthly_hours="283:15",
            ),
        ],
    )
    problem = only_problem(outcome)
    assert (problem.row, problem.column) == (3, "ihss_monthly_hours")
    assert problem.message == (
        "283:15 is more than 283:00, the most a severely impaired recipient can be "
        "authorized for per month."
    )


def test_ihss_hours_are_capped_at_195_for_other_recipients(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(ihss_monthly_hours="195:00"),
            recipient(case_number="3400202", ssn="521-49-0002", ihss_monthly_hours="195:01"),
        ],
    )
    problem = only_problem(outcome)
    assert (problem.row, problem.column) == (3, "ihss_monthly_hours")
    assert problem.message.startswith("195:01 is more than 195:00")


def test_the_caps_are_read_from_the_program_parameters_in_force_on_the_date(tmp_path):
    from ihss.core.models import ProgramParameter

    ProgramParameter.objects.create(
        key="recipient_monthly_max",
        effective_from=dt.date(2026, 1, 1),
        value=200 * 60,
        unit="minutes",
        description="test",
    )
    outcome = run(
        tmp_path,
        recipients=[
            recipient(ihss_monthly_hours="199:00", hours_effective_from="2026-01-01"),
            recipient(
                case_number="3400202",
                ssn="521-49-0002",
                ihss_monthly_hours="199:00",
                hours_effective_from="2025-12-31",
            ),
        ],
    )
    assert where(outcome) == [("recipients.csv", 3, "ihss_monthly_hours")]


def test_hours_need_a_date_and_a_date_needs_hours(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(hours_effective_from=""),
            recipient(
                case_number="3400202",
                ssn="521-49-0002",
                ihss_monthly_hours="",
                wpcs_monthly_hours="",
            ),
        ],
    )
    assert where(outcome) == [
        ("recipients.csv", 2, "hours_effective_from"),
        ("recipients.csv", 3, "hours_effective_from"),
    ]


def test_zero_hours_and_wpcs_hours_without_ihss_hours_are_refused(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(ihss_monthly_hours="0:00"),
            recipient(
                case_number="3400202",
                ssn="521-49-0002",
                ihss_monthly_hours="",
                wpcs_monthly_hours="40:00",
            ),
        ],
    )
    assert where(outcome) == [
        ("recipients.csv", 2, "ihss_monthly_hours"),
        ("recipients.csv", 3, "wpcs_monthly_hours"),
    ]
    assert (
        outcome.problems[1].message
        == "WPCS hours need IHSS hours on the same row: WPCS adds to IHSS."
    )


# --- Providers ----------------------------------------------------------------------------


def test_an_active_provider_has_completed_every_enrollment_step(tmp_path):
    outcome = run(
        tmp_path,
        providers=[
            provider(orientation_completed_on="", soc846_signed_on=""),
            provider(
                provider_number="340000202",
                ssn="521-50-0002",
                status="pending",
                orientation_completed_on="",
                soc846_signed_on="",
            ),
        ],
    )
    assert where(outcome) == [
        ("providers.csv", 2, "orientation_completed_on"),
        ("providers.csv", 2, "soc846_signed_on"),
    ]
    assert "active provider has completed every enrollment step" in outcome.problems[0].message


def test_a_providers_hours_worked_to_date_and_sick_leave_days_are_imported(tmp_path):
    """Issue 14, item 9: where paid sick leave starts for work before the portal."""
    outcome = run(
        tmp_path,
        providers=[
            provider(
                hours_worked_to_date="1250:30",
                worked_to_date_through="2025-06-30",
                sick_leave_earned_on="2024-03-15",
                sick_leave_usable_on="2024-05-14",
            )
        ],
    )
    assert outcome.error_count == 0, [str(p) for p in outcome.problems]
    saved = Provider.objects.get()
    assert (
        saved.worked_to_date_minutes,
        saved.worked_to_date_through,
        saved.sick_leave_earned_on,
        saved.sick_leave_usable_on,
    ) == (1250 * 60 + 30, dt.date(2025, 6, 30), dt.date(2024, 3, 15), dt.date(2024, 5, 14))
    event = AuditEvent.objects.get(action="provider.imported")
    assert (event.after or {})["worked_to_date_minutes"] == 1250 * 60 + 30


def test_sick_leave_starting_points_that_do_not_fit_import_nothing(tmp_path):
    def starting(**changes: str) -> dict[str, str]:
        blank = dict.fromkeys(
            [
                "hours_worked_to_date",
                "worked_to_date_through",
                "sick_leave_earned_on",
                "sick_leave_usable_on",
            ],
            "",
        )
        return provider(**(blank | changes))

    outcome = run(
        tmp_path,
        providers=[
            starting(hours_worked_to_date="400:00"),
            starting(
                provider_number="340000202",
                ssn="521-50-0002",
                sick_leave_usable_on="2024-05-14",
            ),
            starting(
                provider_number="340000203",
                ssn="521-50-0003",
                sick_leave_earned_on="2024-05-14",
                sick_leave_usable_on="2024-03-01",
            ),
            starting(provider_number="340000204", ssn="521-50-0004", hours_worked_to_date="12.5"),
        ],
    )
    assert where(outcome) == [
        ("providers.csv", 2, "worked_to_date_through"),
        ("providers.csv", 3, "sick_leave_earned_on"),
        ("providers.csv", 4, "sick_leave_usable_on"),
        ("providers.csv", 5, "hours_worked_to_date"),
    ]
    assert "H:MM" in outcome.problems[3].message
    assert nothing_imported()


def test_a_provider_needs_an_ssn_and_a_nine_digit_number(tmp_path):
    outcome = run(tmp_path, providers=[provider(ssn="", provider_number="34000020")])
    assert where(outcome) == [("providers.csv", 2, "provider_number"), ("providers.csv", 2, "ssn")]
    assert outcome.problems[0].message == (
        "A provider number is exactly 9 digits, for example 123456789."
    )


# --- Duplicates -----------------------------------------------------------------------------


def test_a_number_twice_in_the_files_names_the_other_row_and_file(tmp_path):
    first = write_csv(tmp_path, "recipients-a.csv", [recipient()])
    second = write_csv(
        tmp_path,
        "recipients-b.csv",
        [recipient(ssn="521-49-0002"), recipient(case_number="3400202", ssn="521-49-0003")],
    )
    outcome = importing.import_files([source(first), source(second)])
    problem = only_problem(outcome)
    assert (problem.file, problem.row, problem.column) == ("recipients-b.csv", 2, "case_number")
    assert problem.message == "The same number is also on row 2 of recipients-a.csv."


def test_the_same_ssn_twice_is_reported_by_row_never_by_value(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(ssn="521-49-0007"),
            recipient(case_number="3400202", ssn="521490007"),
        ],
    )
    problem = only_problem(outcome)
    assert (problem.row, problem.column) == (3, "ssn")
    assert problem.message == "The SSN on row 3 is also on row 2."


def test_a_recipient_and_a_provider_may_share_an_ssn(tmp_path):
    outcome = run(tmp_path, recipients=[recipient()], providers=[provider(ssn=RECIPIENT["ssn"])])
    assert outcome.ok


def test_a_number_already_in_the_portal_is_an_error(tmp_path, la_recipient, la_provider):
    outcome = run(
        tmp_path,
        recipients=[recipient(case_number=la_recipient.case_number)],
        providers=[provider(provider_number=la_provider.provider_number)],
    )
    assert [p.message for p in outcome.problems] == [
        f"Case number {la_recipient.case_number} already exists. An import only adds new "
        "records; change existing ones in the screens.",
        f"Provider number {la_provider.provider_number} already exists. An import only adds "
        "new records; change existing ones in the screens.",
    ]


def test_an_ssn_already_in_the_portal_is_an_error(tmp_path):
    cast.make_recipient(ssn="521490009")
    problem = only_problem(run(tmp_path, recipients=[recipient(ssn="521-49-0009")]))
    assert (problem.column, problem.message) == (
        "ssn",
        "A recipient with this SSN is already in the portal.",
    )


# --- Assignments ----------------------------------------------------------------------------


def test_assignments_must_refer_to_known_recipients_and_providers(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient()],
        providers=[provider()],
        assignments=[assignment(case_number="3400299", provider_number="340000299")],
    )
    assert [(p.row, p.column, p.message) for p in outcome.problems] == [
        (
            2,
            "provider_number",
            "There is no provider with this number in this import or in the portal.",
        ),
        (
            2,
            "case_number",
            "There is no recipient with case number 3400299 in this import or in the portal.",
        ),
    ]


def test_assignments_may_refer_to_records_already_in_the_portal(
    tmp_path, la_recipient, la_provider
):
    cast.authorize(la_recipient, 150 * 60)
    outcome = run(
        tmp_path,
        assignments=[
            assignment(
                case_number=la_recipient.case_number, provider_number=la_provider.provider_number
            )
        ],
    )
    assert outcome.ok
    created = Assignment.objects.get()
    assert (created.recipient, created.provider) == (la_recipient, la_provider)
    event = AuditEvent.objects.get(action="assignment.imported")
    assert event.subject_id == str(created.pk)
    assert (
        event.subject_label == f"{la_provider.provider_number} → {la_recipient.case_number} (IHSS)"
    )


def test_assigned_hours_stay_within_the_authorized_hours_of_that_program(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient(ihss_monthly_hours="100:00")],
        providers=[provider()],
        assignments=[
            assignment(assigned_monthly_hours="100:30"),
            assignment(program="WPCS", assigned_monthly_hours="10:00"),
            assignment(start_date="2025-08-01", assigned_monthly_hours="0:00"),
        ],
    )
    assert [(p.row, p.column) for p in outcome.problems] == [
        (2, "assigned_monthly_hours"),
        (3, "program"),
        (4, "assigned_monthly_hours"),
    ]
    assert outcome.problems[0].message == (
        "100:30 is more than 100:00, the most case 3400201 is authorized for in IHSS."
    )
    assert outcome.problems[1].message == (
        "Case 3400201 has no WPCS hours authorized, so none can be assigned."
    )


def test_an_assignment_twice_or_already_in_the_portal_is_an_error(
    tmp_path, la_recipient, la_provider
):
    cast.authorize(la_recipient, 150 * 60)
    cast.assign(la_provider, la_recipient, 60 * 60, start_date=dt.date(2025, 7, 1))
    existing = assignment(
        case_number=la_recipient.case_number, provider_number=la_provider.provider_number
    )
    outcome = run(
        tmp_path,
        recipients=[recipient()],
        providers=[provider()],
        assignments=[assignment(), assignment(), existing],
    )
    assert [(p.row, p.column) for p in outcome.problems] == [(3, "start_date"), (4, "start_date")]
    assert outcome.problems[0].message == (
        "The same assignment (provider, case, program and start date) is also on row 2."
    )
    assert "already has this IHSS assignment" in outcome.problems[1].message


def test_an_assignment_cannot_end_before_it_starts(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient()],
        providers=[provider()],
        assignments=[assignment(end_date="2025-06-30")],
    )
    problem = only_problem(outcome)
    assert (problem.column, problem.message) == (
        "end_date",
        "The end date is before the start date.",
    )


def test_a_bad_recipient_row_is_not_reported_again_through_its_assignments(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient(first_name="")],
        providers=[provider()],
        assignments=[assignment()],
    )
    assert where(outcome) == [("recipients.csv", 2, "first_name")]


# --- Counties -------------------------------------------------------------------------------


def test_county_staff_may_import_only_their_own_countys_rows(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(county_code="19"),
            recipient(case_number="3400202", ssn="521-49-0002"),
        ],
        providers=[provider(county_code="10")],
        allowed_counties={"19"},
    )
    assert [(p.file, p.row, p.column, p.message) for p in outcome.problems] == [
        ("recipients.csv", 3, "county_code", "County 34 is not yours to import."),
        ("providers.csv", 2, "county_code", "County 10 is not yours to import."),
    ]
    assert nothing_imported()


def test_county_staff_cannot_assign_to_another_countys_recipient_nor_tell_it_exists(
    tmp_path, fresno_recipient, la_provider
):
    cast.authorize(fresno_recipient, 150 * 60)
    outcome = run(
        tmp_path,
        assignments=[
            assignment(
                case_number=fresno_recipient.case_number,
                provider_number=la_provider.provider_number,
            ),
            assignment(case_number="1099999", provider_number=la_provider.provider_number),
        ],
        allowed_counties={"19"},
    )
    assert [(p.row, p.column, p.message) for p in outcome.problems] == [
        (
            2,
            "case_number",
            f"Case {fresno_recipient.case_number} is not in this import or among your "
            "county's recipients.",
        ),
        (3, "case_number", "Case 1099999 is not in this import or among your county's recipients."),
    ]


def test_an_assignment_to_another_countys_recipient_row_is_reported_once(tmp_path):
    outcome = run(
        tmp_path,
        recipients=[recipient(county_code="10")],
        providers=[provider(county_code="19")],
        assignments=[assignment()],
        allowed_counties={"19"},
    )
    assert where(outcome) == [("recipients.csv", 2, "county_code")]


def test_a_county_workers_job_is_limited_to_their_county(tmp_path, fresno_staff, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path, "recipients.csv", [recipient(county_code="19")])
    job = importing.create_job(files=[source(path)], user=fresno_staff)
    importing.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "file": "recipients.csv",
            "row": 2,
            "column": "county_code",
            "message": "County 19 is not yours to import.",
        }
    ]
    assert nothing_imported()


def test_a_state_administrators_job_imports_any_county(tmp_path, state_admin, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path, "recipients.csv", [recipient(county_code="19")])
    job = importing.create_job(files=[source(path)], user=state_admin)
    importing.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert (job.created_recipients, job.created_hours, job.total_rows) == (1, 1, 1)
    assert AuditEvent.objects.get(action="recipient.imported").reason == (
        f"Import #{job.pk}: recipients.csv"
    )


# --- Jobs -------------------------------------------------------------------------------------


def test_a_job_keeps_its_files_encrypted_and_deletes_them_when_done(
    tmp_path, state_admin, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path, "recipients.csv", [recipient()])
    job = importing.create_job(files=[source(path)], user=state_admin)
    stored = list((tmp_path / "media").rglob("*.enc"))
    assert len(stored) == 1
    assert b"521-49-0001" not in stored[0].read_bytes()
    assert b"Testa" not in stored[0].read_bytes()
    importing.run_job(job.pk)
    assert not list((tmp_path / "media").rglob("*.enc"))
    job.refresh_from_db()
    assert job.stored_files == [] and job.finished_at is not None


def test_a_job_runs_only_once(tmp_path, state_admin, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path, "recipients.csv", [recipient()])
    job = importing.create_job(files=[source(path)], user=state_admin)
    importing.run_job(job.pk)
    again = importing.run_job(job.pk)
    assert again is not None and again.status == ImportJob.Status.SUCCEEDED
    assert Recipient.objects.count() == 1


def test_an_unexpected_error_fails_the_job_and_imports_nothing(
    tmp_path, state_admin, settings, monkeypatch, caplog
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path, "recipients.csv", [recipient()])
    job = importing.create_job(files=[source(path)], user=state_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "insert", broken)
    importing.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "unexpected error" in job.errors[0]["message"]
    assert nothing_imported()
    assert not list((tmp_path / "media").rglob("*.enc"))


def test_a_record_saved_meanwhile_by_someone_else_rolls_the_whole_import_back(
    tmp_path, monkeypatch
):
    real_insert = importing.insert

    def insert_after_a_colleague(objects):
        if objects and isinstance(objects[0], Recipient):
            cast.make_recipient(case_number=RECIPIENT["case_number"], ssn="521499999")
        real_insert(objects)

    monkeypatch.setattr(importing, "insert", insert_after_a_colleague)
    outcome = run(tmp_path, recipients=[recipient()], providers=[provider()])
    problem = only_problem(outcome)
    assert "someone else saved a record" in problem.message
    assert not outcome.written
    assert nothing_imported()


# --- No SSN in any report ----------------------------------------------------------------------

SSN_DIGITS = re.compile(r"521-?4[89]-?\d{4}|52149\d{4}|52148\d{4}")


def test_no_ssn_appears_in_any_problem_even_when_typed_into_the_wrong_column(tmp_path, caplog):
    outcome = run(
        tmp_path,
        recipients=[
            recipient(
                case_number="521-49-0001",
                phone="521-49-0001",
                county_code="521490001",
                zip_code="521490001",
                ihss_monthly_hours="521-49-0001",
                date_of_birth="521-49-0001",
            ),
            recipient(case_number="3400202"),  # the same SSN twice
            recipient(case_number="3400203", ssn="921-48-0001"),
        ],
    )
    orphan = run(
        tmp_path, assignments=[assignment(provider_number="521480003", case_number="3400299")]
    )
    header = [*RECIPIENT, "521-48-0002"]
    extra = write_csv(tmp_path, "more.csv", [recipient(case_number="3400204")], header=header)
    outcome2 = importing.import_files([source(extra)])
    problems = outcome.problems + outcome2.problems + orphan.problems
    text = " ".join(str(p) for p in problems) + caplog.text
    assert outcome.error_count >= 8 and outcome2.error_count == 1 and orphan.error_count == 2
    assert not SSN_DIGITS.search(text), text


def test_the_format_document_lists_every_column_of_every_layout():
    doc = (Path(settings.BASE_DIR) / "docs" / "import-format.md").read_text()
    for layout in import_rules.LAYOUTS:
        for column in layout.columns:
            required = "yes" if column.required else "no"
            assert f"| `{column.name}` | {required} |" in doc, (layout.kind, column.name)


# --- What an importer may learn about records they cannot see -----------------------------

HIDDEN_CONFLICT = (
    "This row conflicts with a record already in the portal that you cannot see. "
    "Ask a state administrator to look into it."
)


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_ssn_in_another_county_is_only_a_conflict_with_a_record_you_cannot_see(
    tmp_path, dry_run
):
    cast.make_recipient(county_code="10", ssn=RECIPIENT["ssn"])
    cast.make_provider(county_code="10", ssn=PROVIDER["ssn"])
    outcome = run(
        tmp_path,
        recipients=[recipient(county_code="19")],
        providers=[provider(county_code="19")],
        allowed_counties={"19"},
        dry_run=dry_run,
    )
    assert [(p.file, p.row, p.column, p.message) for p in outcome.problems] == [
        ("recipients.csv", 2, "", HIDDEN_CONFLICT),
        ("providers.csv", 2, "", HIDDEN_CONFLICT),
    ]
    assert not Recipient.objects.filter(county__code="19").exists()


def test_an_ssn_of_a_record_you_can_see_is_named_as_such(tmp_path, la_recipient):
    cast.make_recipient(county_code="19", ssn=RECIPIENT["ssn"])
    # Another county's provider who works for one of your recipients is yours to see.
    serving = cast.make_provider(county_code="10", ssn=PROVIDER["ssn"])
    cast.authorize(la_recipient, 100 * 60)
    cast.assign(serving, la_recipient, 50 * 60)
    outcome = run(
        tmp_path,
        recipients=[recipient(county_code="19")],
        providers=[provider(county_code="19")],
        allowed_counties={"19"},
    )
    assert [(p.column, p.message) for p in outcome.problems] == [
        ("ssn", "A recipient with this SSN is already in the portal."),
        ("ssn", "A provider with this SSN is already in the portal."),
    ]


# --- Limits and streaming -----------------------------------------------------------------


def test_an_import_over_the_row_limit_imports_nothing_and_says_so_in_english_and_spanish(
    tmp_path, settings
):
    settings.IMPORT_MAX_ROWS = 2
    rows = [recipient(), recipient(case_number="3400202", ssn="521-49-0002")]
    assert run(tmp_path, recipients=rows, dry_run=True).ok  # at the limit: fine
    for language, words in (
        ("en", "This import has more than 2 rows; at most 2 rows can be imported at a time."),
        ("es", "Esta importación tiene más de 2 filas; se pueden importar como máximo 2"),
    ):
        with translation.override(language):
            problem = only_problem(run(tmp_path, recipients=rows, providers=[provider()]))
        assert words in problem.message
    assert nothing_imported()


def test_a_line_too_long_to_be_a_row_is_reported_without_reading_it_whole(tmp_path):
    data = ",".join(RECIPIENT).encode() + b"\n" + b"x" * (importing.MAX_LINE_CHARS * 3)
    problem = only_problem(importing.import_files([importing.SourceFile("r.csv", data)]))
    assert (problem.row, problem.column) == (2, "")
    assert problem.message.startswith("This row is longer than 65,536 characters")


def test_a_file_that_changes_while_it_is_saved_rolls_the_whole_import_back(tmp_path):
    path = write_csv(tmp_path, "recipients.csv", [recipient()])
    (tmp_path / "x").mkdir()
    other = write_csv(tmp_path / "x", "recipients.csv", [recipient(case_number="3400299")])

    def swap(phase, done, total):
        if phase == importing.SAVING and done == 0:
            path.write_bytes(other.read_bytes())

    outcome = importing.import_files([importing.SourceFile(path.name, path=path)], progress=swap)
    assert only_problem(outcome).message.startswith("A file changed while it was being imported.")
    assert nothing_imported()


def test_a_jobs_file_is_stored_in_encrypted_chunks_that_cannot_be_reordered(
    tmp_path, state_admin, settings, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(importing, "ENCRYPTED_CHUNK_BYTES", 1024)  # 1 MiB in real use
    rows = [
        recipient(case_number=f"34{n:05d}", ssn=f"521-{10 + n // 9000:02d}-{1000 + n % 9000:04d}")
        for n in range(1, 41)
    ]
    path = write_csv(tmp_path, "recipients.csv", rows)
    chunks = -(-path.stat().st_size // importing.ENCRYPTED_CHUNK_BYTES)
    assert chunks >= 3
    job = importing.create_job(files=[source(path)], user=state_admin)
    (stored,) = (tmp_path / "media").rglob("*.enc")
    lines = stored.read_bytes().splitlines(keepends=True)
    assert len(lines) == chunks and b"Testa" not in stored.read_bytes()

    swapped = importing.create_job(files=[source(path)], user=state_admin)
    (again,) = (tmp_path / "media" / "imports" / str(swapped.pk)).glob("*.enc")
    again.write_bytes(b"".join([lines[1], lines[0], *lines[2:]]))
    failed = importing.run_job(swapped.pk)
    assert failed is not None and failed.status == ImportJob.Status.FAILED
    assert nothing_imported()

    done = importing.run_job(job.pk)
    assert done is not None and done.status == ImportJob.Status.SUCCEEDED
    assert Recipient.objects.count() == 40
