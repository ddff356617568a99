"""NACHA payment files: what the bank receives is right, field by field, and reads back.

No database. Files are checked three ways: by hand at the NACHA positions (1-based,
inclusive), by our own parser, and by a second, independent parser from PyPI, achlens
(a maintained NACHA validator with its own layouts and rules; see docs/payroll.md).
"""

from __future__ import annotations

import dataclasses
import string
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from achlens.core import parse as achlens_parse
from achlens.core import validate as achlens_validate
from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.payroll.nacha import (
    Batch,
    Entry,
    NachaError,
    Originator,
    ParsedFile,
    ach_text,
    parse_file,
    write_file,
)
from ihss.payroll.routing import routing_number_valid

ORIGINATOR = Originator(
    immediate_destination="121000358",
    immediate_destination_name="Bank of Example",
    immediate_origin="1946000000",
    immediate_origin_name="State of California",
    company_name="CA DSS IHSS",
    company_identification="1946000000",
    odfi_identification="12100035",
)
PACIFIC = ZoneInfo("America/Los_Angeles")
# The file carries the wall-clock time as given (YYMMDD HHMM) and no zone.
CREATED_AT = datetime(2026, 12, 4, 9, 30, tzinfo=PACIFIC)
PAYDAY = date(2026, 12, 8)  # a Tuesday, no Federal Reserve holiday
NEXT_DAY = date(2026, 12, 9)


def with_check_digit(first_eight: str) -> str:
    """A routing number: the 8 digits and the ABA check digit that makes them valid."""
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(first_eight, weights, strict=True))
    return first_eight + str(-total % 10)


def example_batches() -> list[Batch]:
    """Two batches, four entries: a checking credit, a savings credit, a prenote, and a
    name with accents; with the four control records, exactly one block of ten."""
    return [
        Batch(
            company_entry_description="IHSS PAY",
            effective_entry_date=PAYDAY,
            entries=[
                Entry("011000015", "12345678", "checking", 123456, "P000001", "Ana Peña"),
                Entry("021000021", "987-65", "savings", 99, "P000002", "Wei Chen"),
                Entry("011000015", "555", "checking", 0, "P000003", "Rosa Delgado", prenote=True),
            ],
        ),
        Batch(
            company_entry_description="IHSS PAY",
            effective_entry_date=NEXT_DAY,
            company_descriptive_date="DEC 26",
            entries=[Entry("122000247", "1", "savings", 10, "", "José Straße")],
        ),
    ]


def example_file() -> bytes:
    return write_file(originator=ORIGINATOR, batches=example_batches(), created_at=CREATED_AT)


def lines_of(data: bytes) -> list[str]:
    text = data.decode("ascii")
    assert text.endswith("\n")
    return text[:-1].split("\n")


def at(line: str, start: int, end: int) -> str:
    """The field at NACHA positions start..end (1-based, inclusive)."""
    return line[start - 1 : end]


def achlens_errors(data: bytes) -> list[tuple[str, int | None, str]]:
    report = achlens_validate(data.decode("ascii"))
    return [
        (finding.rule_id, finding.line_number, finding.message)
        for finding in report.findings
        if finding.severity == "error"
    ]


# --- The worked example, field by field ----------------------------------------------


def test_it_writes_the_file_header_at_the_nacha_positions():
    header = lines_of(example_file())[0]
    assert at(header, 1, 1) == "1"
    assert at(header, 2, 3) == "01"  # priority code
    assert at(header, 4, 13) == " 121000358"  # immediate destination: blank + routing
    assert at(header, 14, 23) == "1946000000"  # immediate origin
    assert at(header, 24, 29) == "261204"  # creation date YYMMDD
    assert at(header, 30, 33) == "0930"  # creation time HHMM
    assert at(header, 34, 34) == "A"  # file ID modifier
    assert at(header, 35, 37) == "094"  # record size
    assert at(header, 38, 39) == "10"  # blocking factor
    assert at(header, 40, 40) == "1"  # format code
    assert at(header, 41, 63) == "BANK OF EXAMPLE".ljust(23)
    assert at(header, 64, 86) == "STATE OF CALIFORNIA".ljust(23)
    assert at(header, 87, 94) == " " * 8  # reference code


def test_it_writes_each_batch_header_at_the_nacha_positions():
    lines = lines_of(example_file())
    first, second = lines[1], lines[6]
    assert at(first, 1, 1) == "5"
    assert at(first, 2, 4) == "220"  # credits only
    assert at(first, 5, 20) == "CA DSS IHSS".ljust(16)
    assert at(first, 21, 40) == " " * 20  # company discretionary data
    assert at(first, 41, 50) == "1946000000"
    assert at(first, 51, 53) == "PPD"
    assert at(first, 54, 63) == "IHSS PAY  "
    assert at(first, 64, 69) == " " * 6  # company descriptive date
    assert at(first, 70, 75) == "261208"  # effective entry date
    assert at(first, 76, 78) == "   "  # settlement date: the ACH operator's
    assert at(first, 79, 79) == "1"  # originator status
    assert at(first, 80, 87) == "12100035"  # ODFI
    assert at(first, 88, 94) == "0000001"  # batch number
    assert at(second, 64, 69) == "DEC 26"
    assert at(second, 70, 75) == "261209"
    assert at(second, 88, 94) == "0000002"


def test_it_writes_each_entry_at_the_nacha_positions():
    lines = lines_of(example_file())
    credit, savings, prenote, accented = lines[2], lines[3], lines[4], lines[7]
    assert at(credit, 1, 1) == "6"
    assert at(credit, 2, 3) == "22"  # checking credit
    assert at(credit, 4, 11) == "01100001"  # receiving DFI
    assert at(credit, 12, 12) == "5"  # check digit
    assert at(credit, 13, 29) == "12345678".ljust(17)
    assert at(credit, 30, 39) == "0000123456"  # $1,234.56
    assert at(credit, 40, 54) == "P000001".ljust(15)
    assert at(credit, 55, 76) == "ANA PENA".ljust(22)  # Peña written without the tilde
    assert at(credit, 77, 78) == "  "  # discretionary data
    assert at(credit, 79, 79) == "0"  # no addenda
    assert at(credit, 80, 94) == "121000350000001"  # ODFI + sequence
    assert at(savings, 2, 3) == "32"
    assert at(savings, 13, 29) == "987-65".ljust(17)
    assert at(savings, 30, 39) == "0000000099"
    assert at(savings, 80, 94) == "121000350000002"
    assert at(prenote, 2, 3) == "23"  # checking prenote
    assert at(prenote, 30, 39) == "0000000000"
    assert at(prenote, 80, 94) == "121000350000003"
    assert at(accented, 2, 3) == "32"
    assert at(accented, 40, 54) == " " * 15
    assert at(accented, 55, 76) == "JOSE STRASSE".ljust(22)
    # Trace numbers run on across batches: unique in the file.
    assert at(accented, 80, 94) == "121000350000004"


def test_it_writes_each_batch_control_with_its_count_hash_and_total():
    lines = lines_of(example_file())
    first, second = lines[5], lines[8]
    assert at(first, 1, 1) == "8"
    assert at(first, 2, 4) == "220"
    assert at(first, 5, 10) == "000003"  # entries
    # 01100001 + 02100002 + 01100001
    assert at(first, 11, 20) == "0004300004"
    assert at(first, 21, 32) == "0" * 12  # no debits
    assert at(first, 33, 44) == "000000123555"  # 123456 + 99 + 0
    assert at(first, 45, 54) == "1946000000"
    assert at(first, 55, 73) == " " * 19  # message authentication code
    assert at(first, 74, 79) == " " * 6  # reserved
    assert at(first, 80, 87) == "12100035"
    assert at(first, 88, 94) == "0000001"
    assert at(second, 5, 10) == "000001"
    assert at(second, 11, 20) == "0012200024"
    assert at(second, 33, 44) == "000000000010"
    assert at(second, 88, 94) == "0000002"


def test_it_writes_the_file_control_with_the_files_totals():
    control = lines_of(example_file())[9]
    assert at(control, 1, 1) == "9"
    assert at(control, 2, 7) == "000002"  # batches
    assert at(control, 8, 13) == "000001"  # blocks of ten records
    assert at(control, 14, 21) == "00000004"  # entries
    assert at(control, 22, 31) == "0016500028"  # 4300004 + 12200024
    assert at(control, 32, 43) == "0" * 12
    assert at(control, 44, 55) == "000000123565"
    assert at(control, 56, 94) == " " * 39


def test_it_ends_every_94_character_record_with_a_line_feed_and_fills_the_block():
    data = example_file()
    assert len(data) == 10 * 95
    assert all(len(line) == 94 for line in lines_of(data))
    assert data.count(b"\n") == 10 and b"\r" not in data

    # Seven entries make eleven records: nine records of nines fill the second block.
    batch = Batch(
        "IHSS PAY",
        PAYDAY,
        [Entry("011000015", f"{n}", "checking", n, "", "A B") for n in range(1, 8)],
    )
    lines = lines_of(write_file(originator=ORIGINATOR, batches=[batch], created_at=CREATED_AT))
    assert len(lines) == 20
    assert lines[10][0] == "9" and lines[10] != "9" * 94  # the file control, then padding
    assert lines[11:] == ["9" * 94] * 9
    assert at(lines[10], 8, 13) == "000002"


def test_it_writes_the_same_bytes_for_the_same_input():
    first = example_file()
    again = write_file(
        originator=dataclasses.replace(ORIGINATOR),
        batches=[
            dataclasses.replace(batch, entries=tuple(batch.entries)) for batch in example_batches()
        ],
        created_at=CREATED_AT,
    )
    assert again == first


def test_it_keeps_the_last_ten_digits_of_an_entry_hash_that_overflows():
    routing = with_check_digit("99999999")
    entries = [Entry(routing, str(n), "checking", 1, "", "A B") for n in range(120)]
    data = write_file(
        originator=ORIGINATOR, batches=[Batch("IHSS PAY", PAYDAY, entries)], created_at=CREATED_AT
    )
    lines = lines_of(data)
    # 120 x 99,999,999 = 11,999,999,880: the hash keeps 1,999,999,880.
    assert at(lines[122], 11, 20) == "1999999880"
    parsed = parse_file(data)
    assert parsed.entry_hash == parsed.batches[0].entry_hash == 1_999_999_880
    assert achlens_errors(data) == []


def test_it_reads_back_the_worked_example():
    parsed = parse_file(example_file())
    assert parsed.originator == dataclasses.replace(
        ORIGINATOR,
        immediate_destination_name="BANK OF EXAMPLE",
        immediate_origin_name="STATE OF CALIFORNIA",
    )
    assert parsed.created_at == CREATED_AT.replace(tzinfo=None)
    assert parsed.file_id_modifier == "A"
    assert (parsed.batch_count, parsed.block_count, parsed.entry_addenda_count) == (2, 1, 4)
    assert (parsed.total_debit_cents, parsed.total_credit_cents) == (0, 123565)
    assert [b.effective_entry_date for b in parsed.batches] == [PAYDAY, NEXT_DAY]
    assert [
        (
            e.transaction_code,
            e.account_type,
            e.prenote,
            e.amount_cents,
            e.individual_name,
            e.trace_number,
            e.line_number,
        )
        for e in parsed.entries
    ] == [
        (22, "checking", False, 123456, "ANA PENA", "121000350000001", 3),
        (32, "savings", False, 99, "WEI CHEN", "121000350000002", 4),
        (23, "checking", True, 0, "ROSA DELGADO", "121000350000003", 5),
        (32, "savings", False, 10, "JOSE STRASSE", "121000350000004", 8),
    ]


# --- Names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Peña", "PENA"),
        ("María José Peña Núñez", "MARIA JOSE PENA NUNEZ"),
        ("Nguyễn Thị Ánh", "NGUYEN THI ANH"),
        ("Straße", "STRASSE"),
        ("Łukasz Søren", "LUKASZ SOREN"),
        ("  O’Brien ", "O'BRIEN"),
    ],
)
def test_it_writes_accented_names_in_plain_capitals_without_breaking_the_width(name, written):
    assert ach_text(name) == written
    batch = Batch("IHSS PAY", PAYDAY, [Entry("011000015", "1", "checking", 100, "P1", name)])
    data = write_file(originator=ORIGINATOR, batches=[batch], created_at=CREATED_AT)
    assert all(len(line) == 94 for line in lines_of(data))
    assert at(lines_of(data)[2], 55, 76) == written.ljust(22)
    assert parse_file(data).entries[0].individual_name == written


def test_it_cuts_a_long_name_only_when_asked():
    name = "Maria Guadalupe Hernández-Rodríguez"
    assert ach_text(name, width=22) == "MARIA GUADALUPE HERNAN"
    with pytest.raises(NachaError, match="individual_name"):
        write_file(
            originator=ORIGINATOR,
            batches=[Batch("IHSS PAY", PAYDAY, [Entry("011000015", "1", "checking", 1, "", name)])],
            created_at=CREATED_AT,
        )


# --- Refusals --------------------------------------------------------------------------


def _entry(**changes) -> list[Batch]:
    entry = Entry("011000015", "12345678", "checking", 100, "P1", "Ana Reyes")._replace(**changes)
    return [Batch("IHSS PAY", PAYDAY, [entry])]


def _batch(**changes) -> list[Batch]:
    return [dataclasses.replace(example_batches()[0], **changes)]


def _originator(**changes) -> Originator:
    return dataclasses.replace(ORIGINATOR, **changes)


REFUSALS = {
    "bad routing check digit": (
        {"batches": _entry(routing_number="011000016")},
        "batch 1, entry 1, routing_number",
        "check digit",
    ),
    "routing number too short": (
        {"batches": _entry(routing_number="01100001")},
        "routing_number",
        "9 digits",
    ),
    "negative amount": ({"batches": _entry(amount_cents=-1)}, "amount_cents", "more than 0"),
    "zero credit": ({"batches": _entry(amount_cents=0)}, "amount_cents", "prenote"),
    "amount too large": ({"batches": _entry(amount_cents=10**10)}, "amount_cents", "10-digit"),
    "amount in dollars": ({"batches": _entry(amount_cents=1.5)}, "amount_cents", "whole cents"),
    "prenote with money": (
        {"batches": _entry(prenote=True, amount_cents=1)},
        "amount_cents",
        "prenote",
    ),
    "unknown account type": (
        {"batches": _entry(account_type="brokerage")},
        "account_type",
        "checking",
    ),
    "account number too long": (
        {"batches": _entry(account_number="1" * 18)},
        "account_number",
        "1 to 17",
    ),
    "empty account number": ({"batches": _entry(account_number="")}, "account_number", "1 to 17"),
    "account number with a space": (
        {"batches": _entry(account_number="12 34")},
        "account_number",
        "1 to 17",
    ),
    "name too long": ({"batches": _entry(individual_name="A" * 23)}, "individual_name", "holds 22"),
    "blank name": ({"batches": _entry(individual_name="  ")}, "individual_name", "blank"),
    "name with no ASCII form": (
        {"batches": _entry(individual_name="王芳")},
        "individual_name",
        "U+738B",
    ),
    "name with a tab": (
        {"batches": _entry(individual_name="Ana\tReyes")},
        "individual_name",
        "U+0009",
    ),
    "individual ID too long": (
        {"batches": _entry(individual_id="P" * 16)},
        "individual_id",
        "holds 15",
    ),
    "empty batch": ({"batches": _batch(entries=[])}, "batch 1, entries", "at least one entry"),
    "no batches": ({"batches": []}, "file, batches", "at least one batch"),
    "description too long": (
        {"batches": _batch(company_entry_description="IHSS PAYROLL")},
        "company_entry_description",
        "holds 10",
    ),
    "blank description": (
        {"batches": _batch(company_entry_description="")},
        "company_entry_description",
        "blank",
    ),
    "descriptive date too long": (
        {"batches": _batch(company_descriptive_date="DEC 2026")},
        "company_descriptive_date",
        "holds 6",
    ),
    "effective date past 2099": (
        {"batches": _batch(effective_entry_date=date(2100, 1, 1))},
        "effective_entry_date",
        "2000 to 2099",
    ),
    "destination check digit": (
        {"originator": _originator(immediate_destination="121000359")},
        "immediate_destination",
        "check digit",
    ),
    "origin of 8 characters": (
        {"originator": _originator(immediate_origin="19460000")},
        "immediate_origin",
        "10 letters",
    ),
    "origin with a space": (
        {"originator": _originator(immediate_origin="1946 00000")},
        "immediate_origin",
        "10 letters",
    ),
    "company name too long": (
        {"originator": _originator(company_name="CALIFORNIA DSS IHSS")},
        "company_name",
        "holds 16",
    ),
    "company ID of 9 characters": (
        {"originator": _originator(company_identification="946000000")},
        "company_identification",
        "10 letters",
    ),
    "ODFI of 9 digits": (
        {"originator": _originator(odfi_identification="121000358")},
        "odfi_identification",
        "8 digits",
    ),
    "destination name too long": (
        {"originator": _originator(immediate_destination_name="B" * 24)},
        "immediate_destination_name",
        "holds 23",
    ),
    "file ID modifier": ({"file_id_modifier": "AB"}, "file_id_modifier", "one letter"),
    "file ID modifier sign": ({"file_id_modifier": "-"}, "file_id_modifier", "one letter"),
    "created in 1999": (
        {"created_at": datetime(1999, 12, 31, 23, 59, tzinfo=PACIFIC)},
        "created_at",
        "2000 to 2099",
    ),
}


@pytest.mark.parametrize(("changes", "where", "why"), REFUSALS.values(), ids=REFUSALS.keys())
def test_it_refuses_what_a_bank_would_reject_naming_the_field(changes, where, why):
    arguments = {
        "originator": ORIGINATOR,
        "batches": example_batches(),
        "created_at": CREATED_AT,
    } | changes
    with pytest.raises(NachaError) as refused:
        write_file(**arguments)
    assert isinstance(refused.value, ValueError)
    assert where in str(refused.value)
    assert why in str(refused.value)


def test_it_refuses_a_batch_whose_total_overflows_its_twelve_digits():
    entries = [Entry("011000015", str(n), "checking", 10**10 - 1, "", "A B") for n in range(101)]
    with pytest.raises(NachaError, match="batch 1, entries: the batch's total"):
        write_file(
            originator=ORIGINATOR,
            batches=[Batch("IHSS PAY", PAYDAY, entries)],
            created_at=CREATED_AT,
        )


def test_it_never_repeats_an_account_number_in_a_message():
    secret = "98765432109876543210"
    with pytest.raises(NachaError) as refused:
        write_file(
            originator=ORIGINATOR, batches=_entry(account_number=secret), created_at=CREATED_AT
        )
    assert secret not in str(refused.value)
    assert "987654321" not in str(refused.value)

    data = example_file().replace(b"12345678         ", b"1234567x         ")
    with pytest.raises(NachaError) as rejected:
        parse_file(data)
    assert "1234567" not in str(rejected.value)


# --- Tampered files ----------------------------------------------------------------------


def tamper(data: bytes, line_number: int, start: int, new: str) -> bytes:
    lines = lines_of(data)
    line = lines[line_number - 1]
    lines[line_number - 1] = line[: start - 1] + new + line[start - 1 + len(new) :]
    return ("\n".join(lines) + "\n").encode("latin-1")


def drop(data: bytes, line_number: int) -> bytes:
    lines = lines_of(data)
    del lines[line_number - 1]
    return ("\n".join(lines) + "\n").encode("ascii")


def test_it_rejects_a_changed_amount_at_the_batch_control_that_no_longer_adds_up():
    data = tamper(example_file(), 3, 30, "0000123457")
    with pytest.raises(NachaError) as rejected:
        parse_file(data)
    assert (rejected.value.line_number, rejected.value.field) == (6, "total_credit")
    assert "line 6, total_credit (positions 33-44)" in str(rejected.value)
    assert "123555" in str(rejected.value) and "123556" in str(rejected.value)
    assert {rule for rule, _, _ in achlens_errors(data)} >= {"BC005", "FC006"}


def test_it_rejects_a_file_with_a_dropped_entry():
    data = drop(example_file(), 4)
    with pytest.raises(NachaError) as rejected:
        parse_file(data)
    assert (rejected.value.line_number, rejected.value.field) == (5, "entry_addenda_count")
    assert achlens_errors(data)


def test_it_rejects_a_file_with_a_dropped_padding_record():
    batch = Batch(
        "IHSS PAY",
        PAYDAY,
        [Entry("011000015", f"{n}", "checking", n, "", "A B") for n in range(1, 8)],
    )
    data = drop(write_file(originator=ORIGINATOR, batches=[batch], created_at=CREATED_AT), 20)
    with pytest.raises(NachaError, match="19 records, not a whole number of blocks") as rejected:
        parse_file(data)
    assert rejected.value.line_number == 19
    assert achlens_errors(data)


@pytest.mark.parametrize(
    ("line_number", "start", "new"), [(6, 11, "0004300005"), (10, 22, "0016500029")]
)
def test_it_rejects_a_wrong_entry_hash(line_number, start, new):
    data = tamper(example_file(), line_number, start, new)
    with pytest.raises(NachaError) as rejected:
        parse_file(data)
    assert (rejected.value.line_number, rejected.value.field) == (line_number, "entry_hash")
    assert achlens_errors(data)


TAMPERINGS = {
    # name: (change to the worked example, line, field, words of the message)
    "CR LF endings": (lambda d: d.replace(b"\n", b"\r\n"), 1, "record", "CR LF"),
    "a record cut short": (lambda d: d.replace(b"   \n", b"\n", 1), 1, "record", "this one 91"),
    "no final line feed": (lambda d: d[:-1], 10, "record", "does not end with a line feed"),
    "a byte that is not ASCII": (
        lambda d: d.replace(b"ANA PENA", "ANA PEÑA".encode()),
        3,
        "record",
        "not ASCII",
    ),
    "a control character": (
        lambda d: d.replace(b"ANA PENA", b"ANA\tPENA"),
        3,
        "record",
        "cannot appear",
    ),
    "empty": (lambda d: b"", 1, "record", "empty"),
    "only the header": (
        lambda d: d[:95],
        2,
        "record_type",
        "the file ends where a batch header (5)",
    ),
    "not starting with the header": (
        lambda d: d[95:],
        1,
        "record_type",
        "expected the file header (1), found a batch header",
    ),
    "priority code": (lambda d: tamper(d, 1, 2, "02"), 1, "priority_code", "'01'"),
    "destination check digit": (
        lambda d: tamper(d, 1, 13, "9"),
        1,
        "immediate_destination",
        "check digit",
    ),
    "creation time": (lambda d: tamper(d, 1, 30, "2460"), 1, "file_creation_time", "HHMM"),
    "record size": (lambda d: tamper(d, 1, 35, "095"), 1, "record_size", "'094'"),
    "debits in the batch": (
        lambda d: tamper(d, 2, 2, "200"),
        2,
        "service_class_code",
        "credits only",
    ),
    "another SEC code": (
        lambda d: tamper(d, 2, 51, "CCD"),
        2,
        "standard_entry_class_code",
        "'PPD'",
    ),
    "effective date": (lambda d: tamper(d, 2, 70, "261332"), 2, "effective_entry_date", "YYMMDD"),
    "settlement date filled in": (lambda d: tamper(d, 2, 76, "342"), 2, "settlement_date", "blank"),
    "a debit entry": (lambda d: tamper(d, 3, 2, "27"), 3, "transaction_code", "found 27"),
    "routing check digit": (lambda d: tamper(d, 3, 12, "6"), 3, "routing_number", "check digit"),
    "a credit made a prenote": (
        lambda d: tamper(d, 3, 2, "23"),
        3,
        "amount",
        "prenote (23) must carry 0",
    ),
    "money on a prenote": (lambda d: tamper(d, 5, 30, "0000000001"), 5, "amount", "prenote"),
    "lower-case name": (
        lambda d: tamper(d, 3, 55, "Ana Pena"),
        3,
        "individual_name",
        "capital letters",
    ),
    "an addenda flag": (
        lambda d: tamper(d, 3, 79, "1"),
        3,
        "addenda_record_indicator",
        "no addenda",
    ),
    "a repeated trace number": (
        lambda d: tamper(d, 4, 80, "121000350000001"),
        4,
        "trace_number",
        "earlier in the file",
    ),
    "trace numbers out of order": (
        lambda d: tamper(d, 3, 80, "121000350000009"),
        4,
        "trace_number",
        "ascending",
    ),
    "another bank's trace number": (
        lambda d: tamper(d, 3, 80, "999999990000001"),
        3,
        "trace_number",
        "ODFI 12100035",
    ),
    "an addenda record": (lambda d: tamper(d, 5, 1, "7"), 5, "record_type", "addenda"),
    "an entry outside a batch": (
        lambda d: tamper(d, 7, 1, lines_of(d)[2]),
        7,
        "record_type",
        "expected a batch header (5) or the file control (9), found an entry (6)",
    ),
    "a debit total": (lambda d: tamper(d, 6, 21, "000000000001"), 6, "total_debit", "add up to 0"),
    "batch control of another company": (
        lambda d: tamper(d, 6, 45, "1946000001"),
        6,
        "company_identification",
        "repeat",
    ),
    "a skipped batch number": (
        lambda d: tamper(tamper(d, 7, 88, "0000003"), 9, 88, "0000003"),
        7,
        "batch_number",
        "expected 2, found 3",
    ),
    "batch control of another batch": (
        lambda d: tamper(d, 9, 88, "0000001"),
        9,
        "batch_number",
        "repeat",
    ),
    "file control batch count": (
        lambda d: tamper(d, 10, 2, "000003"),
        10,
        "batch_count",
        "add up to 2",
    ),
    "file control block count": (
        lambda d: tamper(d, 10, 8, "000002"),
        10,
        "block_count",
        "add up to 1",
    ),
    "file control total": (
        lambda d: tamper(d, 10, 44, "000000123566"),
        10,
        "total_credit",
        "add up to 123565",
    ),
    "file control reserved": (lambda d: tamper(d, 10, 94, "X"), 10, "reserved", "blank"),
    "an extra block of padding": (
        lambda d: d + (("9" * 94 + "\n") * 10).encode(),
        11,
        "record",
        "pads only its last block",
    ),
}


@pytest.mark.parametrize(
    ("change", "line_number", "field", "words"), TAMPERINGS.values(), ids=TAMPERINGS.keys()
)
def test_it_rejects_a_tampered_file_naming_the_line_and_field(change, line_number, field, words):
    with pytest.raises(NachaError) as rejected:
        parse_file(change(example_file()))
    assert (rejected.value.line_number, rejected.value.field) == (line_number, field)
    assert f"line {line_number}" in str(rejected.value)
    assert words in str(rejected.value)


def test_it_rejects_padding_that_is_not_all_nines_or_comes_too_early():
    batch = Batch(
        "IHSS PAY",
        PAYDAY,
        [Entry("011000015", f"{n}", "checking", n, "", "A B") for n in range(1, 8)],
    )
    data = write_file(originator=ORIGINATOR, batches=[batch], created_at=CREATED_AT)
    with pytest.raises(NachaError, match="only padding records") as rejected:
        parse_file(tamper(data, 20, 94, "8"))
    assert rejected.value.line_number == 20
    lines = lines_of(data)
    early = lines[:10] + lines[11:] + [lines[10]]  # padding where the file control belongs
    with pytest.raises(NachaError, match="found a padding record") as rejected:
        parse_file(("\n".join(early) + "\n").encode())
    assert rejected.value.line_number == 11


# --- Round trip: write, parse with ours and with achlens, compare every field ------------

DIGITS = string.digits
NAME_ALPHABET = string.ascii_letters + string.digits + " .,'-&/" + "áéíóúñÑüÜçàèÁÉßØø"


def routing_numbers() -> st.SearchStrategy[str]:
    return st.text(DIGITS, min_size=8, max_size=8).map(with_check_digit)


def ach_texts(width: int, *, required: bool = False) -> st.SearchStrategy[str]:
    return st.text(NAME_ALPHABET, max_size=width).filter(
        lambda text: len(ach_text(text)) <= width and (bool(ach_text(text)) or not required)
    )


originators = st.builds(
    Originator,
    immediate_destination=routing_numbers(),
    immediate_destination_name=ach_texts(23),
    immediate_origin=st.one_of(
        st.text(DIGITS, min_size=9, max_size=9),
        st.text(string.ascii_letters + DIGITS, min_size=10, max_size=10),
    ),
    immediate_origin_name=ach_texts(23),
    company_name=ach_texts(16, required=True),
    company_identification=st.text(string.ascii_letters + DIGITS, min_size=10, max_size=10),
    odfi_identification=st.text(DIGITS, min_size=8, max_size=8),
)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    prenote = draw(st.booleans())
    return Entry(
        routing_number=draw(routing_numbers()),
        account_number=draw(st.text(string.ascii_letters + DIGITS + "-", min_size=1, max_size=17)),
        account_type=draw(st.sampled_from(["checking", "savings"])),
        amount_cents=0 if prenote else draw(st.integers(1, 10**10 - 1)),
        individual_id=draw(ach_texts(15)),
        individual_name=draw(ach_texts(22, required=True)),
        prenote=prenote,
    )


batches = st.builds(
    Batch,
    company_entry_description=ach_texts(10, required=True),
    effective_entry_date=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    entries=st.lists(entries(), min_size=1, max_size=8),
    company_descriptive_date=ach_texts(6),
)
# Hypothesis takes naive bounds and gives aware values in `timezones`.
FIRST_DAY = datetime(2000, 1, 1)  # noqa: DTZ001
LAST_MINUTE = datetime(2099, 12, 31, 23, 59)  # noqa: DTZ001
files = st.fixed_dictionaries(
    {
        "originator": originators,
        "batches": st.lists(batches, min_size=1, max_size=4),
        "created_at": st.datetimes(FIRST_DAY, LAST_MINUTE, timezones=st.just(PACIFIC)),
        "file_id_modifier": st.sampled_from(string.ascii_uppercase + DIGITS),
    }
)


def assert_round_trip(arguments: dict[str, Any], parsed: ParsedFile) -> None:
    """Every field we wrote reads back as the writer normalises it."""
    originator: Originator = arguments["originator"]
    assert parsed.originator == Originator(
        immediate_destination=originator.immediate_destination,
        immediate_destination_name=ach_text(originator.immediate_destination_name),
        immediate_origin=originator.immediate_origin.upper(),
        immediate_origin_name=ach_text(originator.immediate_origin_name),
        company_name=ach_text(originator.company_name),
        company_identification=originator.company_identification.upper(),
        odfi_identification=originator.odfi_identification,
    )
    assert parsed.created_at == arguments["created_at"].replace(
        second=0, microsecond=0, tzinfo=None
    )
    assert parsed.file_id_modifier == arguments["file_id_modifier"]
    assert parsed.batch_count == len(parsed.batches) == len(arguments["batches"])

    sequence = 0
    file_hash = 0
    for number, (batch, read) in enumerate(
        zip(arguments["batches"], parsed.batches, strict=True), start=1
    ):
        assert read.batch_number == number
        assert (read.service_class_code, read.sec_code, read.originator_status_code) == (
            "220",
            "PPD",
            "1",
        )
        assert read.company_name == parsed.originator.company_name
        assert read.company_entry_description == ach_text(batch.company_entry_description)
        assert read.company_descriptive_date == ach_text(batch.company_descriptive_date)
        assert read.effective_entry_date == batch.effective_entry_date
        assert len(read.entries) == read.entry_addenda_count == len(batch.entries)
        for entry, got in zip(batch.entries, read.entries, strict=True):
            sequence += 1
            assert got.routing_number == entry.routing_number
            assert got.account_number == entry.account_number.upper()
            assert got.account_type == entry.account_type
            assert got.prenote == entry.prenote
            assert (
                got.transaction_code
                == {"checking": 22, "savings": 32}[entry.account_type] + entry.prenote
            )
            assert got.amount_cents == entry.amount_cents
            assert got.individual_id == ach_text(entry.individual_id)
            assert got.individual_name == ach_text(entry.individual_name)
            assert got.trace_number == f"{originator.odfi_identification}{sequence:07d}"
        batch_hash = sum(int(entry.routing_number[:8]) for entry in batch.entries)
        assert read.entry_hash == batch_hash % 10**10
        assert read.total_credit_cents == sum(entry.amount_cents for entry in batch.entries)
        assert read.total_debit_cents == 0
        file_hash += batch_hash
    assert parsed.entry_addenda_count == sequence
    assert parsed.entry_hash == file_hash % 10**10
    assert parsed.total_credit_cents == sum(
        e.amount_cents for b in arguments["batches"] for e in b.entries
    )
    assert parsed.record_count == parsed.block_count * 10
    assert parsed.record_count - 9 <= 2 + 2 * len(parsed.batches) + sequence <= parsed.record_count


@settings(max_examples=150)
@given(files)
def test_it_reads_back_every_field_it_wrote(arguments):
    data = write_file(**arguments)
    assert write_file(**arguments) == data
    lines = lines_of(data)
    assert all(len(line) == 94 for line in lines) and len(lines) % 10 == 0
    assert_round_trip(arguments, parse_file(data))


# The effective date is drawn from a century, so it may fall on a weekend or a holiday:
# achlens warns about those (the run picks a business day), and nothing else.
DATE_WARNINGS = {"BH007", "BH012"}


def assert_achlens_agrees(data: bytes, ours: ParsedFile) -> None:
    report = achlens_validate(data.decode("ascii"))
    assert report.valid, report.findings
    assert {f.rule_id for f in report.findings} <= DATE_WARNINGS, report.findings
    theirs = achlens_parse(data.decode("ascii"))
    assert theirs.line_ending == "LF" and not theirs.unparsed
    assert theirs.line_count == ours.record_count
    assert len(theirs.padding) == ours.record_count - 2 - 2 * len(ours.batches) - len(ours.entries)

    def raw(record, name: str) -> str:
        return str(record.fields[name].raw)

    header = theirs.header
    assert raw(header, "immediate_destination") == " " + ours.immediate_destination
    assert raw(header, "immediate_origin").strip() == ours.immediate_origin
    assert raw(header, "file_creation_date") == ours.created_at.strftime("%y%m%d")
    assert raw(header, "file_creation_time") == ours.created_at.strftime("%H%M")
    assert raw(header, "immediate_origin_name").rstrip() == ours.immediate_origin_name

    control = theirs.control.fields
    assert control["batch_count"].value == ours.batch_count == len(theirs.batches)
    assert control["block_count"].value == ours.block_count
    assert control["entry_addenda_count"].value == ours.entry_addenda_count
    assert control["entry_hash"].value == ours.entry_hash
    assert control["total_debit_entry_dollar_amount"].value == 0
    assert control["total_credit_entry_dollar_amount"].value == ours.total_credit_cents

    for batch, read in zip(theirs.batches, ours.batches, strict=True):
        assert raw(batch.header, "company_name").rstrip() == read.company_name
        assert raw(batch.header, "standard_entry_class_code") == "PPD"
        assert raw(batch.header, "effective_entry_date") == read.effective_entry_date.strftime(
            "%y%m%d"
        )
        assert batch.header.fields["batch_number"].value == read.batch_number
        assert batch.control.fields["entry_addenda_count"].value == read.entry_addenda_count
        assert batch.control.fields["entry_hash"].value == read.entry_hash
        assert (
            batch.control.fields["total_credit_entry_dollar_amount"].value
            == read.total_credit_cents
        )
        assert len(batch.entries) == len(read.entries)
        for entry, got in zip(batch.entries, read.entries, strict=True):
            detail = entry.detail
            assert not entry.addenda
            assert detail.line_number == got.line_number
            assert detail.fields["transaction_code"].value == got.transaction_code
            assert (
                raw(detail, "receiving_dfi_identification") + raw(detail, "check_digit")
                == got.routing_number
            )
            assert raw(detail, "dfi_account_number").rstrip() == got.account_number
            assert detail.fields["amount"].value == got.amount_cents
            assert raw(detail, "individual_identification_number").rstrip() == got.individual_id
            assert raw(detail, "individual_name").rstrip() == got.individual_name
            assert raw(detail, "trace_number") == got.trace_number


def test_the_second_parser_finds_the_worked_example_clean_and_reads_the_same_entries():
    data = example_file()
    report = achlens_validate(data.decode("ascii"))
    assert report.valid and report.findings == [], report.findings
    assert_achlens_agrees(data, parse_file(data))


@settings(max_examples=30)
@given(files)
def test_the_second_parser_reads_every_file_we_write_as_we_do(arguments):
    data = write_file(**arguments)
    assert_achlens_agrees(data, parse_file(data))


def test_both_parsers_read_a_file_of_several_blocks_alike():
    entries_ = [
        Entry(
            with_check_digit(f"{n * 7919 % 10**8:08d}"),
            f"{n:09d}",
            ("checking", "savings")[n % 2],
            n * 101 + 1,
            f"P{n:07d}",
            f"Provider {n}",
        )
        for n in range(2_500)
    ]
    data = write_file(
        originator=ORIGINATOR,
        batches=[
            Batch("IHSS PAY", PAYDAY, entries_[:1000]),
            Batch("IHSS PAY", NEXT_DAY, entries_[1000:]),
        ],
        created_at=CREATED_AT,
    )
    parsed = parse_file(data)
    assert parsed.record_count == 2_510 and parsed.block_count == 251
    assert len({entry.trace_number for entry in parsed.entries}) == 2_500
    assert all(routing_number_valid(entry.routing_number) for entry in parsed.entries)
    report = achlens_validate(data.decode("ascii"))
    assert report.valid and report.findings == [], report.findings[:3]
    assert_achlens_agrees(data, parsed)


@settings(max_examples=300)
@given(st.integers(0, 10 * 95 - 1), st.characters(min_codepoint=0, max_codepoint=255))
def test_it_answers_any_one_changed_byte_with_a_file_or_a_nacha_error(offset, character):
    data = bytearray(example_file())
    data[offset] = ord(character)
    try:
        parsed = parse_file(bytes(data))
    except NachaError as rejected:
        assert rejected.line_number is not None and 1 <= rejected.line_number <= 11
        assert f"line {rejected.line_number}" in str(rejected)
    else:
        # What the controls cannot see (a letter of a name, a digit of an account) reads
        # back as changed; the money and the counts are the file's.
        assert parsed.total_credit_cents == 123565
        assert parsed.entry_addenda_count == 4


def test_an_entry_never_shows_its_account_number_in_a_traceback_or_a_log():
    # A repr is what a traceback, an error report or a log line shows of a value.
    entry = Entry("011000015", "12345678", "checking", 123456, "P000001", "Ana Pena")
    written = write_file(
        originator=ORIGINATOR, batches=[Batch("IHSS PAY", PAYDAY, [entry])], created_at=CREATED_AT
    )
    parsed = parse_file(written).batches[0].entries[0]
    assert parsed.account_number == "12345678"  # the number itself is still there
    for value in (entry, parsed):
        assert "12345678" not in repr(value)
        assert "011000015" in repr(value)  # the rest still helps whoever reads it
