"""The NACHA file's fixed numbers, the records as Python values, and text as a file holds it."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, NamedTuple

from ihss.payroll.routing import routing_number_valid

# The format's fixed numbers (NACHA Operating Rules, Appendix Two). They describe the file
# format itself, not a payroll rule, so they are constants here rather than parameters.
RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
PADDING_RECORD = "9" * RECORD_LENGTH
SERVICE_CLASS_CREDITS_ONLY = "220"
SEC_CODE = "PPD"
ORIGINATOR_STATUS = "1"  # an originator that is not a federal government agency

AccountType = Literal["checking", "savings"]

# Transaction codes by (account type, prenote).
_TRANSACTION_CODES: dict[tuple[AccountType, bool], int] = {
    ("checking", False): 22,
    ("checking", True): 23,
    ("savings", False): 32,
    ("savings", True): 33,
}
_ENTRY_KINDS: dict[int, tuple[AccountType, bool]] = {
    code: kind for kind, code in _TRANSACTION_CODES.items()
}

# The largest number each numeric field holds.
_MAX_ENTRY_AMOUNT = 10**10 - 1  # entry amount, 10 digits
_MAX_TOTAL = 10**12 - 1  # batch and file totals, 12 digits
_MAX_BATCH_ENTRIES = 10**6 - 1  # batch control entry/addenda count, 6 digits
_MAX_FILE_ENTRIES = 10**8 - 1  # file control entry/addenda count, 8 digits
_MAX_BATCHES = 10**6 - 1  # file control batch count, 6 digits
_MAX_BLOCKS = 10**6 - 1  # file control block count, 6 digits
_MAX_TRACE_SEQUENCE = 10**7 - 1  # trace number after the ODFI's 8 digits, 7 digits
_HASH_MODULUS = 10**10  # an entry hash keeps its last 10 digits

# Letters that Unicode does not decompose into an ASCII letter plus an accent.
_SPELLED_OUT = {
    "ß": "SS",
    "ẞ": "SS",
    "Æ": "AE",
    "æ": "AE",
    "Œ": "OE",
    "œ": "OE",
    "Ø": "O",
    "ø": "O",
    "Ł": "L",
    "ł": "L",
    "Đ": "D",
    "đ": "D",
    "Ð": "D",
    "ð": "D",
    "Þ": "TH",
    "þ": "TH",
    "ı": "I",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "‐": "-",
    "–": "-",
    "—": "-",
}
# Checks made once per entry: compiled patterns and str methods, which run in C (a whole
# state's file has some 700,000 entries).
_DIGITS = re.compile(r"[0-9]+")
_UPPER_ALNUM = re.compile(r"[0-9A-Z]+")
_ACCOUNT = re.compile(r"[0-9A-Z-]{1,17}")
# Routing numbers repeat (a few thousand banks): check each one once.
_routing_valid = functools.lru_cache(maxsize=100_000)(routing_number_valid)


def _printable(text: str) -> bool:
    """Whether every character is printable ASCII (space to tilde)."""
    return text.isascii() and text.isprintable()


def _first_unprintable(text: str) -> str:
    return next(character for character in text if not " " <= character <= "~")


class NachaError(ValueError):
    """A payment file that cannot be written, or a file that is not one we would write.

    `line_number` (parser) and `field` say where; the message says it in English.
    """

    def __init__(self, message: str, *, line_number: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.line_number = line_number
        self.field = field


@dataclass(frozen=True)
class Originator:
    """Who sends the file (the state) and the bank that receives it from us (the ODFI)."""

    immediate_destination: str  # routing number of the receiving point, 9 digits
    immediate_destination_name: str  # up to 23
    immediate_origin: str  # 10 letters or digits (e.g. "1" + EIN), or 9 digits
    immediate_origin_name: str  # up to 23
    company_name: str  # up to 16
    company_identification: str  # 10 letters or digits
    odfi_identification: str  # first 8 digits of the ODFI's routing number


class Entry(NamedTuple):
    """One credit (or prenote) to one provider's account.

    A named tuple, not a dataclass: a state's file has half a million entries, and a
    tuple is built in a fifth of the time."""

    routing_number: str  # 9 digits passing the ABA check
    account_number: str  # 1-17 letters, digits or hyphens; never in a repr (a traceback, a log)
    account_type: AccountType
    amount_cents: int  # > 0 for a credit; 0 for a prenote
    individual_id: str  # up to 15
    individual_name: str  # up to 22
    prenote: bool = False

    def __repr__(self) -> str:
        return (
            f"Entry(routing_number={self.routing_number!r}, account_type={self.account_type!r}, "
            f"amount_cents={self.amount_cents!r}, individual_id={self.individual_id!r}, "
            f"individual_name={self.individual_name!r}, prenote={self.prenote!r})"
        )


@dataclass(frozen=True)
class Batch:
    company_entry_description: str  # up to 10, e.g. "IHSS PAY"
    effective_entry_date: date
    entries: Sequence[Entry]
    company_descriptive_date: str = ""  # up to 6


@dataclass(frozen=True)
class ParsedEntry:
    line_number: int
    transaction_code: int
    routing_number: str
    account_number: str = field(repr=False)  # never in a repr (a traceback, a log)
    amount_cents: int
    individual_id: str
    individual_name: str
    discretionary_data: str
    trace_number: str

    @property
    def account_type(self) -> AccountType:
        return _ENTRY_KINDS[self.transaction_code][0]

    @property
    def prenote(self) -> bool:
        return _ENTRY_KINDS[self.transaction_code][1]


@dataclass(frozen=True)
class ParsedBatch:
    line_number: int
    batch_number: int
    service_class_code: str
    company_name: str
    company_discretionary_data: str
    company_identification: str
    sec_code: str
    company_entry_description: str
    company_descriptive_date: str
    effective_entry_date: date
    originator_status_code: str
    odfi_identification: str
    entries: tuple[ParsedEntry, ...]
    entry_addenda_count: int
    entry_hash: int
    total_debit_cents: int
    total_credit_cents: int


@dataclass(frozen=True)
class ParsedFile:
    immediate_destination: str  # 9 digits, without the leading blank
    immediate_origin: str  # as written, without a leading blank
    created_at: datetime  # naive: the file carries no time zone
    file_id_modifier: str
    immediate_destination_name: str
    immediate_origin_name: str
    reference_code: str
    batches: tuple[ParsedBatch, ...]
    batch_count: int
    block_count: int
    entry_addenda_count: int
    entry_hash: int
    total_debit_cents: int
    total_credit_cents: int
    record_count: int  # records in the file, padding included

    @property
    def originator(self) -> Originator:
        """The originator as the header and the first batch header state it."""
        first = self.batches[0]
        return Originator(
            immediate_destination=self.immediate_destination,
            immediate_destination_name=self.immediate_destination_name,
            immediate_origin=self.immediate_origin,
            immediate_origin_name=self.immediate_origin_name,
            company_name=first.company_name,
            company_identification=first.company_identification,
            odfi_identification=first.odfi_identification,
        )

    @property
    def entries(self) -> tuple[ParsedEntry, ...]:
        return tuple(entry for batch in self.batches for entry in batch.entries)


# --- Text -----------------------------------------------------------------------------


def ach_text(value: str, *, width: int | None = None) -> str:
    """`value` as an alphanumeric field holds it: trimmed, capital ASCII, accents dropped.

    "Peña" gives "PENA", "Straße" "STRASSE". With `width`, the result is cut to fit (for a
    caller that prefers a shortened name to a refusal); without it, nothing is cut. Raises
    NachaError for a character with no ASCII form (for example a Chinese character or a
    tab), which is never guessed at.
    """
    text = value.strip()
    if not text.isascii():
        text = "".join(_SPELLED_OUT.get(character, character) for character in text)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.upper()
    if not _printable(text):
        character = _first_unprintable(text)
        raise NachaError(
            f"the character {character!r} (U+{ord(character):04X}) has no letter or sign "
            "that a bank file can carry; write it in plain letters"
        )
    if width is not None:
        text = text[:width].rstrip()
    return text
