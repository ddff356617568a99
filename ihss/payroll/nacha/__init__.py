"""NACHA (ACH) payment files: our own writer and strict parser for PPD credit files.

Pure Python: no Django, no database, no clock. The same input always gives the same bytes,
so re-issuing a run rewrites its file byte for byte. docs/payroll.md ("Payment files
(NACHA)") describes the layout choices; the positions below are the NACHA record layouts
(1-based, inclusive), which the tests check field by field.

A file is: the file header (type 1); for each batch a batch header (5), its entries (6) and
a batch control (8); the file control (9); then records of all nines to fill the last block
of ten. Every record is 94 characters followed by "\\n". Only what a payroll needs is
written: service class 220 (credits only), SEC code PPD, credits (22 checking, 32 savings)
and prenotes (23, 33: zero-dollar test entries), no addenda. The parser accepts exactly
that and checks every record's length, the record order, every count, hash and total.

Names are written in capital ASCII letters: accents are dropped (Peña is PENA) and a few
letters are spelled out (ß is SS); a character with no ASCII form is refused, never
guessed. Anything that would not fit its field is refused with a NachaError naming the
batch, the entry and the field (the writer) or the line and the field (the parser). A
message never repeats an account number.
"""

from ihss.payroll.nacha.parser import parse_file
from ihss.payroll.nacha.records import (
    Batch,
    Entry,
    NachaError,
    Originator,
    ParsedBatch,
    ParsedEntry,
    ParsedFile,
    ach_text,
)
from ihss.payroll.nacha.writer import write_file

__all__ = [
    "Batch",
    "Entry",
    "NachaError",
    "Originator",
    "ParsedBatch",
    "ParsedEntry",
    "ParsedFile",
    "ach_text",
    "parse_file",
    "write_file",
]
