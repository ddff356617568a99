"""Reading a NACHA PPD credit file back, strictly."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NamedTuple

from ihss.payroll.nacha.records import (
    _ACCOUNT,
    _DIGITS,
    _ENTRY_KINDS,
    _HASH_MODULUS,
    _UPPER_ALNUM,
    BLOCKING_FACTOR,
    ORIGINATOR_STATUS,
    PADDING_RECORD,
    RECORD_LENGTH,
    SEC_CODE,
    SERVICE_CLASS_CREDITS_ONLY,
    NachaError,
    ParsedBatch,
    ParsedEntry,
    ParsedFile,
    _first_unprintable,
    _routing_valid,
)

# --- Parser ---------------------------------------------------------------------------


class _Line:
    """One record and its line number, with typed readers that name the field on error."""

    __slots__ = ("number", "text")

    def __init__(self, number: int, text: str) -> None:
        self.number = number
        self.text = text

    def error(self, field: str, start: int, end: int, problem: str) -> NachaError:
        where = f"position {start}" if start == end else f"positions {start}-{end}"
        return NachaError(
            f"line {self.number}, {field} ({where}): {problem}",
            line_number=self.number,
            field=field,
        )

    def raw(self, start: int, end: int) -> str:
        return self.text[start - 1 : end]

    def text_field(
        self, field: str, start: int, end: int, *, required: bool = False, secret: bool = False
    ) -> str:
        raw = self.raw(start, end)
        value = raw.rstrip()
        if required and not value:
            raise self.error(field, start, end, "must not be blank")
        if raw[:1] == " " and value:
            shown = "" if secret else f" ({raw!r})"
            raise self.error(field, start, end, f"must be left-justified{shown}")
        if value != value.upper():
            shown = "" if secret else f" ({value!r})"
            raise self.error(field, start, end, f"must be in capital letters{shown}")
        return value

    def integer(self, field: str, start: int, end: int) -> int:
        raw = self.raw(start, end)
        if not _DIGITS.fullmatch(raw):
            raise self.error(field, start, end, f"must be digits, found {raw!r}")
        return int(raw)

    def digits(self, field: str, start: int, end: int) -> str:
        raw = self.raw(start, end)
        if not _DIGITS.fullmatch(raw):
            raise self.error(field, start, end, f"must be digits, found {raw!r}")
        return raw

    def constant(self, field: str, start: int, end: int, expected: str, meaning: str) -> str:
        raw = self.raw(start, end)
        if raw != expected:
            raise self.error(field, start, end, f"must be {expected!r} ({meaning}), found {raw!r}")
        return raw

    def blank(self, field: str, start: int, end: int) -> None:
        raw = self.raw(start, end)
        if raw.strip():
            raise self.error(field, start, end, f"must be blank, found {raw!r}")

    def date(self, field: str, start: int, end: int) -> date:
        raw = self.raw(start, end)
        try:
            if not _DIGITS.fullmatch(raw):
                raise ValueError(raw)
            # Two-digit years are 2000-2099, as the writer writes them (strptime's %y would
            # read 69-99 as 1969-1999).
            return date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:6]))
        except ValueError:
            raise self.error(field, start, end, f"must be a date YYMMDD, found {raw!r}") from None

    def agrees(
        self, field: str, start: int, end: int, found: int | str, expected: int | str
    ) -> None:
        if found != expected:
            raise self.error(
                field, start, end, f"says {found} but the records before it add up to {expected}"
            )


def _lines(data: bytes) -> list[_Line]:
    if not isinstance(data, bytes | bytearray):
        raise NachaError("a payment file is bytes")
    if not data:
        raise NachaError("line 1: the file is empty", line_number=1, field="record")
    try:
        text = bytes(data).decode("ascii")
    except UnicodeDecodeError as error:
        number = data[: error.start].count(b"\n") + 1
        raise NachaError(
            f"line {number}: byte {data[error.start]:#04x} is not ASCII",
            line_number=number,
            field="record",
        ) from None
    rows = text.split("\n")
    if rows[-1]:
        raise NachaError(
            f"line {len(rows)}: the last record does not end with a line feed",
            line_number=len(rows),
            field="record",
        )
    lines = []
    for number, row in enumerate(rows[:-1], start=1):
        if len(row) != RECORD_LENGTH:
            ending = " (records end with a line feed alone, not CR LF)" if "\r" in row else ""
            raise NachaError(
                f"line {number}: a record is {RECORD_LENGTH} characters, "
                f"this one {len(row)}{ending}",
                line_number=number,
                field="record",
            )
        if not row.isprintable():  # decoded as ASCII above
            raise NachaError(
                f"line {number}: the character {_first_unprintable(row)!r} cannot appear "
                "in a record",
                line_number=number,
                field="record",
            )
        lines.append(_Line(number, row))
    return lines


_RECORD_NAMES = {
    "1": "a file header (1)",
    "5": "a batch header (5)",
    "6": "an entry (6)",
    "7": "an addenda record (7)",
    "8": "a batch control (8)",
    "9": "a file control (9)",
}


def _unexpected(line: _Line | None, expected: str, after: _Line) -> NachaError:
    if line is None:
        return NachaError(
            f"line {after.number + 1}: the file ends where {expected} should follow",
            line_number=after.number + 1,
            field="record_type",
        )
    found = (
        "a padding record"
        if line.text == PADDING_RECORD
        else _RECORD_NAMES.get(line.text[0], f"record type {line.text[0]!r}")
    )
    return NachaError(
        f"line {line.number}, record_type (position 1): expected {expected}, found {found}",
        line_number=line.number,
        field="record_type",
    )


class _Header(NamedTuple):
    immediate_destination: str
    immediate_origin: str
    created_at: datetime
    file_id_modifier: str
    immediate_destination_name: str
    immediate_origin_name: str
    reference_code: str


def _parse_header(line: _Line) -> _Header:
    line.constant("priority_code", 2, 3, "01", "priority code")
    line.constant("immediate_destination", 4, 4, " ", "a blank before the routing number")
    destination = line.digits("immediate_destination", 5, 13)
    if not _routing_valid(destination):
        raise line.error("immediate_destination", 5, 13, "the routing check digit does not match")
    origin_raw = line.raw(14, 23)
    if origin_raw[0] == " " and _DIGITS.fullmatch(origin_raw[1:]):
        origin = origin_raw[1:]
    elif _UPPER_ALNUM.fullmatch(origin_raw):
        origin = origin_raw
    else:
        raise line.error(
            "immediate_origin", 14, 23, f"must be 10 letters or digits, found {origin_raw!r}"
        )
    day = line.date("file_creation_date", 24, 29)
    time_raw = line.raw(30, 33)
    if not (_DIGITS.fullmatch(time_raw) and int(time_raw[:2]) < 24 and int(time_raw[2:]) < 60):
        raise line.error("file_creation_time", 30, 33, f"must be a time HHMM, found {time_raw!r}")
    modifier = line.raw(34, 34)
    if not _UPPER_ALNUM.fullmatch(modifier):
        raise line.error("file_id_modifier", 34, 34, f"must be A-Z or 0-9, found {modifier!r}")
    line.constant("record_size", 35, 37, "094", "94 characters a record")
    line.constant("blocking_factor", 38, 39, "10", "ten records a block")
    line.constant("format_code", 40, 40, "1", "format code")
    return _Header(
        immediate_destination=destination,
        immediate_origin=origin,
        created_at=datetime(day.year, day.month, day.day, int(time_raw[:2]), int(time_raw[2:])),  # noqa: DTZ001 - the file carries no zone
        file_id_modifier=modifier,
        immediate_destination_name=line.text_field("immediate_destination_name", 41, 63),
        immediate_origin_name=line.text_field("immediate_origin_name", 64, 86),
        reference_code=line.text_field("reference_code", 87, 94),
    )


def _left_justified(width: int, first: str, rest: str, *, required: bool) -> str:
    """A pattern for a left-justified, space-filled field: `first`, k - 1 of `rest`, then
    width - k spaces; or all spaces if the field may be blank."""
    options = [f"{first}{rest}{{{k - 1}}} {{{width - k}}}" for k in range(1, width + 1)]
    if not required:
        options.append(f" {{{width}}}")
    return "(?:" + "|".join(options) + ")"


# Printable ASCII but for lower-case letters; the first character not a space either.
_CAPITAL_TEXT = "[ -`{-~]"
_CAPITAL_START = "[!-`{-~]"
# An entry as the writer writes it, in one pass (no field-by-field reading for the
# 700,000 entries of a whole state). A line that does not match is read field by field,
# which names the field at fault.
_ENTRY_SHAPE = re.compile(
    "6(?:22|23|32|33)[0-9]{9}"
    + _left_justified(17, "[0-9A-Z-]", "[0-9A-Z-]", required=True)
    + "[0-9]{10}"
    + _left_justified(15, _CAPITAL_START, _CAPITAL_TEXT, required=False)
    + _left_justified(22, _CAPITAL_START, _CAPITAL_TEXT, required=True)
    + _left_justified(2, _CAPITAL_START, _CAPITAL_TEXT, required=False)
    + "0[0-9]{15}"
)


def _parse_entry(line: _Line, odfi: str, previous_trace: str, traces: set[str]) -> ParsedEntry:
    text = line.text
    if _ENTRY_SHAPE.fullmatch(text):
        code = int(text[1:3])
        routing = text[3:12]
        account = text[12:29].rstrip()
        amount = int(text[29:39])
        individual_id = text[39:54].rstrip()
        name = text[54:76].rstrip()
        discretionary = text[76:78].rstrip()
        trace = text[79:94]
    else:
        code = line.integer("transaction_code", 2, 3)
        if code not in _ENTRY_KINDS:
            raise line.error(
                "transaction_code",
                2,
                3,
                f"must be 22 or 32 (credit) or 23 or 33 (prenote), found {code:02d}",
            )
        routing = line.digits("routing_number", 4, 12)
        account = line.text_field("account_number", 13, 29, required=True, secret=True)
        if not _ACCOUNT.fullmatch(account):
            raise line.error(
                "account_number", 13, 29, "must be letters, digits or hyphens (not shown here)"
            )
        amount = line.integer("amount", 30, 39)
        individual_id = line.text_field("individual_id", 40, 54)
        name = line.text_field("individual_name", 55, 76, required=True)
        discretionary = line.text_field("discretionary_data", 77, 78)
        line.constant("addenda_record_indicator", 79, 79, "0", "no addenda")
        trace = line.digits("trace_number", 80, 94)
    if not _routing_valid(routing):
        raise line.error("routing_number", 4, 12, f"{routing} fails the routing check digit")
    prenote = _ENTRY_KINDS[code][1]
    if prenote and amount:
        raise line.error("amount", 30, 39, f"a prenote ({code}) must carry 0, found {amount}")
    if not prenote and not amount:
        raise line.error("amount", 30, 39, f"a credit ({code}) must carry more than 0")
    if trace[:8] != odfi:
        raise line.error(
            "trace_number", 80, 94, f"must start with the batch's ODFI {odfi}, found {trace}"
        )
    if trace in traces:
        raise line.error("trace_number", 80, 94, f"{trace} appears earlier in the file")
    if trace <= previous_trace:
        raise line.error(
            "trace_number", 80, 94, f"{trace} does not follow {previous_trace} in ascending order"
        )
    traces.add(trace)
    return ParsedEntry(
        line_number=line.number,
        transaction_code=code,
        routing_number=routing,
        account_number=account,
        amount_cents=amount,
        individual_id=individual_id,
        individual_name=name,
        discretionary_data=discretionary,
        trace_number=trace,
    )


def _parse_batch(
    header: _Line, lines: list[_Line], position: int, expected_number: int, traces: set[str]
) -> tuple[ParsedBatch, int]:
    """The batch whose header is `header` and the position after its control."""
    header.constant(
        "service_class_code", 2, 4, SERVICE_CLASS_CREDITS_ONLY, "a batch of credits only"
    )
    company_name = header.text_field("company_name", 5, 20, required=True)
    company_discretionary = header.text_field("company_discretionary_data", 21, 40)
    company_id = header.text_field("company_identification", 41, 50, required=True)
    header.constant("standard_entry_class_code", 51, 53, SEC_CODE, "payments to people")
    description = header.text_field("company_entry_description", 54, 63, required=True)
    descriptive_date = header.text_field("company_descriptive_date", 64, 69)
    effective = header.date("effective_entry_date", 70, 75)
    header.blank("settlement_date", 76, 78)
    header.constant(
        "originator_status_code", 79, 79, ORIGINATOR_STATUS, "an originator that is not a bank"
    )
    odfi = header.digits("odfi_identification", 80, 87)
    batch_number = header.integer("batch_number", 88, 94)
    if batch_number != expected_number:
        raise header.error(
            "batch_number",
            88,
            94,
            f"batches are numbered 1, 2, 3...: expected {expected_number}, found {batch_number}",
        )

    entries: list[ParsedEntry] = []
    previous_trace = ""
    last = header
    while position < len(lines) and lines[position].text[0] == "6":
        line = lines[position]
        entry = _parse_entry(line, odfi, previous_trace, traces)
        entries.append(entry)
        previous_trace = entry.trace_number
        last = line
        position += 1
    control = lines[position] if position < len(lines) else None
    if control is None or control.text[0] != "8":
        if control is not None and control.text[0] == "7":
            raise control.error("record_type", 1, 1, "addenda records are not part of these files")
        raise _unexpected(control, "an entry (6) or the batch control (8)", last)
    if not entries:
        raise control.error("record_type", 1, 1, f"batch {batch_number} has no entries")

    entry_hash = sum(int(entry.routing_number[:8]) for entry in entries) % _HASH_MODULUS
    credit = sum(entry.amount_cents for entry in entries)
    control.constant(
        "service_class_code", 2, 4, SERVICE_CLASS_CREDITS_ONLY, "the batch header's service class"
    )
    count = control.integer("entry_addenda_count", 5, 10)
    control.agrees("entry_addenda_count", 5, 10, count, len(entries))
    found_hash = control.integer("entry_hash", 11, 20)
    control.agrees("entry_hash", 11, 20, found_hash, entry_hash)
    debit = control.integer("total_debit", 21, 32)
    control.agrees("total_debit", 21, 32, debit, 0)
    found_credit = control.integer("total_credit", 33, 44)
    control.agrees("total_credit", 33, 44, found_credit, credit)
    control_company = control.raw(45, 54).rstrip()
    if control_company != company_id:
        raise control.error(
            "company_identification", 45, 54, f"must repeat the batch header's {company_id!r}"
        )
    control.blank("message_authentication_code", 55, 73)
    control.blank("reserved", 74, 79)
    if control.raw(80, 87) != odfi:
        raise control.error("odfi_identification", 80, 87, f"must repeat the batch header's {odfi}")
    if control.raw(88, 94) != header.raw(88, 94):
        raise control.error(
            "batch_number", 88, 94, f"must repeat the batch header's {batch_number}"
        )
    return (
        ParsedBatch(
            line_number=header.number,
            batch_number=batch_number,
            service_class_code=SERVICE_CLASS_CREDITS_ONLY,
            company_name=company_name,
            company_discretionary_data=company_discretionary,
            company_identification=company_id,
            sec_code=SEC_CODE,
            company_entry_description=description,
            company_descriptive_date=descriptive_date,
            effective_entry_date=effective,
            originator_status_code=ORIGINATOR_STATUS,
            odfi_identification=odfi,
            entries=tuple(entries),
            entry_addenda_count=count,
            entry_hash=found_hash,
            total_debit_cents=debit,
            total_credit_cents=found_credit,
        ),
        position + 1,
    )


def parse_file(data: bytes) -> ParsedFile:
    """Read a file written by `write_file`, checking everything a bank would.

    Raises NachaError, naming the line and the field, for a record that is not 94
    characters, a record out of order, a count, hash or total that does not add up,
    a routing number that fails its check digit, a repeated trace number, missing or
    extra padding, or anything outside a PPD credit file (debits, addenda, other
    service classes or SEC codes).
    """
    lines = _lines(data)
    first = lines[0]
    if first.text[0] != "1":
        raise _unexpected(first, "the file header (1)", _Line(0, ""))
    header = _parse_header(first)

    batches: list[ParsedBatch] = []
    traces: set[str] = set()
    position = 1
    last = first
    while position < len(lines) and lines[position].text[0] == "5":
        batch, position = _parse_batch(
            lines[position], lines, position + 1, len(batches) + 1, traces
        )
        batches.append(batch)
        last = lines[position - 1]
    control = lines[position] if position < len(lines) else None
    if control is None or control.text[0] != "9" or control.text == PADDING_RECORD:
        expected = (
            "a batch header (5)" if not batches else "a batch header (5) or the file control (9)"
        )
        raise _unexpected(control, expected, last)
    if not batches:
        raise control.error("record_type", 1, 1, "the file has no batches")

    padding = lines[position + 1 :]
    for line in padding:
        if line.text != PADDING_RECORD:
            raise NachaError(
                f"line {line.number}: after the file control only padding records "
                "(all 9s) may follow",
                line_number=line.number,
                field="record",
            )
    if len(lines) % BLOCKING_FACTOR:
        raise NachaError(
            f"line {len(lines)}: the file has {len(lines)} records, not a whole number of "
            f"blocks of {BLOCKING_FACTOR}",
            line_number=len(lines),
            field="record",
        )
    if len(padding) >= BLOCKING_FACTOR:
        raise NachaError(
            f"line {padding[0].number}: {len(padding)} padding records; "
            "a file pads only its last block",
            line_number=padding[0].number,
            field="record",
        )

    entries = [entry for batch in batches for entry in batch.entries]
    batch_count = control.integer("batch_count", 2, 7)
    control.agrees("batch_count", 2, 7, batch_count, len(batches))
    block_count = control.integer("block_count", 8, 13)
    control.agrees("block_count", 8, 13, block_count, len(lines) // BLOCKING_FACTOR)
    entry_count = control.integer("entry_addenda_count", 14, 21)
    control.agrees("entry_addenda_count", 14, 21, entry_count, len(entries))
    entry_hash = control.integer("entry_hash", 22, 31)
    control.agrees(
        "entry_hash", 22, 31, entry_hash, sum(batch.entry_hash for batch in batches) % _HASH_MODULUS
    )
    debit = control.integer("total_debit", 32, 43)
    control.agrees("total_debit", 32, 43, debit, 0)
    credit = control.integer("total_credit", 44, 55)
    control.agrees(
        "total_credit", 44, 55, credit, sum(batch.total_credit_cents for batch in batches)
    )
    control.blank("reserved", 56, 94)
    return ParsedFile(
        **header._asdict(),
        batches=tuple(batches),
        batch_count=batch_count,
        block_count=block_count,
        entry_addenda_count=entry_count,
        entry_hash=entry_hash,
        total_debit_cents=debit,
        total_credit_cents=credit,
        record_count=len(lines),
    )
