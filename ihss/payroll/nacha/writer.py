"""Writing a NACHA PPD credit file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ihss.payroll.nacha.records import (
    _ACCOUNT,
    _DIGITS,
    _HASH_MODULUS,
    _MAX_BATCH_ENTRIES,
    _MAX_BATCHES,
    _MAX_BLOCKS,
    _MAX_ENTRY_AMOUNT,
    _MAX_FILE_ENTRIES,
    _MAX_TOTAL,
    _MAX_TRACE_SEQUENCE,
    _TRANSACTION_CODES,
    _UPPER_ALNUM,
    BLOCKING_FACTOR,
    ORIGINATOR_STATUS,
    PADDING_RECORD,
    RECORD_LENGTH,
    SEC_CODE,
    SERVICE_CLASS_CREDITS_ONLY,
    Batch,
    Entry,
    NachaError,
    Originator,
    _routing_valid,
    ach_text,
)

# --- Writer ---------------------------------------------------------------------------


def _refuse(where: str, field: str, problem: str) -> NachaError:
    return NachaError(f"{where}, {field}: {problem}", field=field)


def _alphanumeric(value: str, width: int, *, where: str, field: str, required: bool) -> str:
    if not isinstance(value, str):
        raise _refuse(where, field, "must be text")
    try:
        text = ach_text(value)
    except NachaError as error:
        raise _refuse(where, field, str(error)) from None
    if required and not text:
        raise _refuse(where, field, "must not be blank")
    if len(text) > width:
        raise _refuse(
            where,
            field,
            f"{text!r} has {len(text)} characters once written; the field holds {width}",
        )
    return text.ljust(width)


def _digits(value: str, length: int, *, where: str, field: str) -> str:
    if not isinstance(value, str) or len(value) != length or not _DIGITS.fullmatch(value):
        raise _refuse(where, field, f"must be exactly {length} digits, not {value!r}")
    return value


def _routing(value: str, *, where: str, field: str) -> str:
    _digits(value, 9, where=where, field=field)
    if not _routing_valid(value):
        raise _refuse(
            where, field, f"{value} is not a routing number (its check digit does not match)"
        )
    return value


def _immediate_origin(value: str, *, where: str) -> str:
    field = "immediate_origin"
    if not isinstance(value, str):
        raise _refuse(where, field, "must be text")
    if len(value) == 9 and _DIGITS.fullmatch(value):
        return " " + value
    upper = value.upper()
    if len(upper) != 10 or not _UPPER_ALNUM.fullmatch(upper):
        raise _refuse(where, field, f"must be 10 letters or digits (or 9 digits), not {value!r}")
    return upper


def _company_identification(value: str, *, where: str) -> str:
    field = "company_identification"
    upper = value.upper() if isinstance(value, str) else ""
    if len(upper) != 10 or not _UPPER_ALNUM.fullmatch(upper):
        raise _refuse(where, field, f"must be 10 letters or digits, not {value!r}")
    return upper


def _yymmdd(value: date, *, where: str, field: str) -> str:
    if not isinstance(value, date) or not 2000 <= value.year <= 2099:
        # The file writes two-digit years: only 2000-2099 read back as written.
        raise _refuse(where, field, f"must be a date from 2000 to 2099, not {value!r}")
    return value.strftime("%y%m%d")


def _file_header(originator: Originator, created_at: datetime, file_id_modifier: str) -> str:
    where = "file header"
    if not isinstance(created_at, datetime):
        raise _refuse(where, "created_at", "must be a date and time")
    modifier = file_id_modifier.upper() if isinstance(file_id_modifier, str) else ""
    if len(modifier) != 1 or not _UPPER_ALNUM.fullmatch(modifier):
        raise _refuse(
            where, "file_id_modifier", f"must be one letter A-Z or digit, not {file_id_modifier!r}"
        )
    return "".join(
        (
            "1",
            "01",  # priority code
            " "
            + _routing(
                originator.immediate_destination, where=where, field="immediate_destination"
            ),
            _immediate_origin(originator.immediate_origin, where=where),
            _yymmdd(created_at, where=where, field="created_at"),
            created_at.strftime("%H%M"),
            modifier,
            "094",  # record size
            "10",  # blocking factor
            "1",  # format code
            _alphanumeric(
                originator.immediate_destination_name,
                23,
                where=where,
                field="immediate_destination_name",
                required=False,
            ),
            _alphanumeric(
                originator.immediate_origin_name,
                23,
                where=where,
                field="immediate_origin_name",
                required=False,
            ),
            " " * 8,  # reference code
        )
    )


def _entry_record(entry: Entry, trace_number: str, *, where: str) -> str:
    if not isinstance(entry, Entry):
        raise _refuse(where, "entry", "must be an Entry")
    routing = _routing(entry.routing_number, where=where, field="routing_number")
    account = entry.account_number.upper() if isinstance(entry.account_number, str) else ""
    if not _ACCOUNT.fullmatch(account):
        # Never repeat the number itself: messages end up in logs.
        raise _refuse(
            where,
            "account_number",
            "must be 1 to 17 letters, digits or hyphens (the number given is not)",
        )
    code = _TRANSACTION_CODES.get((entry.account_type, entry.prenote is True))
    if code is None or not isinstance(entry.prenote, bool):
        raise _refuse(
            where,
            "account_type",
            f"must be 'checking' or 'savings' (and prenote True or False), "
            f"not {entry.account_type!r}",
        )
    amount = entry.amount_cents
    if type(amount) is not int:
        raise _refuse(where, "amount_cents", f"must be whole cents (an int), not {amount!r}")
    if entry.prenote and amount != 0:
        raise _refuse(where, "amount_cents", f"a prenote carries no money: {amount} must be 0")
    if not entry.prenote and amount <= 0:
        raise _refuse(
            where,
            "amount_cents",
            f"a credit must be more than 0 cents, not {amount} (a zero entry is a prenote)",
        )
    if amount > _MAX_ENTRY_AMOUNT:
        raise _refuse(
            where, "amount_cents", f"{amount} cents does not fit the 10-digit amount field"
        )
    return "".join(
        (
            "6",
            str(code),
            routing,
            account.ljust(17),
            f"{amount:010d}",
            _alphanumeric(
                entry.individual_id, 15, where=where, field="individual_id", required=False
            ),
            _alphanumeric(
                entry.individual_name, 22, where=where, field="individual_name", required=True
            ),
            "  ",  # discretionary data
            "0",  # no addenda
            trace_number,
        )
    )


def write_file(
    *,
    originator: Originator,
    batches: Sequence[Batch],
    created_at: datetime,
    file_id_modifier: str = "A",
) -> bytes:
    """The NACHA PPD credit file for `batches`, as ASCII bytes.

    Deterministic: nothing but the arguments goes into the file (`created_at` is written
    as given, YYMMDD and HHMM of its own clock). Trace numbers are the ODFI's 8 digits and
    a sequence 1, 2, 3... across the whole file, so each is unique in the file. Raises
    NachaError for anything that is invalid or would not fit its field.
    """
    records = [_file_header(originator, created_at, file_id_modifier)]
    where = "originator"
    odfi = _digits(originator.odfi_identification, 8, where=where, field="odfi_identification")
    company_name = _alphanumeric(
        originator.company_name, 16, where=where, field="company_name", required=True
    )
    company_id = _company_identification(originator.company_identification, where=where)
    if not batches:
        raise _refuse("file", "batches", "a payment file needs at least one batch")
    if len(batches) > _MAX_BATCHES:
        raise _refuse("file", "batches", f"{len(batches)} batches do not fit the batch count")

    sequence = 0
    file_entries = 0
    file_hash = 0
    file_credit = 0
    for batch_number, batch in enumerate(batches, start=1):
        where = f"batch {batch_number}"
        if not batch.entries:
            raise _refuse(where, "entries", "a batch needs at least one entry")
        if len(batch.entries) > _MAX_BATCH_ENTRIES:
            raise _refuse(
                where, "entries", f"{len(batch.entries)} entries do not fit the batch's count"
            )
        records.append(
            "".join(
                (
                    "5",
                    SERVICE_CLASS_CREDITS_ONLY,
                    company_name,
                    " " * 20,  # company discretionary data
                    company_id,
                    SEC_CODE,
                    _alphanumeric(
                        batch.company_entry_description,
                        10,
                        where=where,
                        field="company_entry_description",
                        required=True,
                    ),
                    _alphanumeric(
                        batch.company_descriptive_date,
                        6,
                        where=where,
                        field="company_descriptive_date",
                        required=False,
                    ),
                    _yymmdd(batch.effective_entry_date, where=where, field="effective_entry_date"),
                    "   ",  # settlement date: the ACH operator fills it in
                    ORIGINATOR_STATUS,
                    odfi,
                    f"{batch_number:07d}",
                )
            )
        )
        batch_hash = 0
        batch_credit = 0
        for index, entry in enumerate(batch.entries, start=1):
            sequence += 1
            if sequence > _MAX_TRACE_SEQUENCE:
                raise _refuse(
                    f"{where}, entry {index}",
                    "trace_number",
                    "a file holds at most 9,999,999 entries (7-digit trace sequence)",
                )
            records.append(
                _entry_record(entry, f"{odfi}{sequence:07d}", where=f"{where}, entry {index}")
            )
            batch_hash += int(entry.routing_number[:8])
            batch_credit += entry.amount_cents
        if batch_credit > _MAX_TOTAL:
            raise _refuse(
                where, "entries", f"the batch's total, {batch_credit} cents, exceeds 12 digits"
            )
        records.append(
            "".join(
                (
                    "8",
                    SERVICE_CLASS_CREDITS_ONLY,
                    f"{len(batch.entries):06d}",
                    f"{batch_hash % _HASH_MODULUS:010d}",
                    "0" * 12,  # total debit
                    f"{batch_credit:012d}",
                    company_id,
                    " " * 19,  # message authentication code
                    " " * 6,  # reserved
                    odfi,
                    f"{batch_number:07d}",
                )
            )
        )
        file_entries += len(batch.entries)
        file_hash += batch_hash
        file_credit += batch_credit

    record_count = len(records) + 1  # and the file control
    blocks = -(-record_count // BLOCKING_FACTOR)
    if file_entries > _MAX_FILE_ENTRIES or blocks > _MAX_BLOCKS:
        raise _refuse("file", "entries", f"{file_entries} entries do not fit one file")
    if file_credit > _MAX_TOTAL:
        raise _refuse(
            "file", "entries", f"the file's total, {file_credit} cents, exceeds 12 digits"
        )
    records.append(
        "".join(
            (
                "9",
                f"{len(batches):06d}",
                f"{blocks:06d}",
                f"{file_entries:08d}",
                f"{file_hash % _HASH_MODULUS:010d}",
                "0" * 12,  # total debit
                f"{file_credit:012d}",
                " " * 39,  # reserved
            )
        )
    )
    records.extend([PADDING_RECORD] * (blocks * BLOCKING_FACTOR - record_count))
    text = "\n".join(records) + "\n"
    if len(text) != len(records) * (RECORD_LENGTH + 1):  # a field wider than its place
        raise NachaError("internal error: a record is not 94 characters long")
    return text.encode("ascii")
