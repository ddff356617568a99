"""The rows a run writes are the rules' tuples in their own field order (services/stubs.py
builds them so, without naming each field): a field added or moved on either side must
be seen here before it puts a number in the wrong column of a paystub."""

from __future__ import annotations

import datetime as dt

from ihss.core.payables import PayableItem
from ihss.payroll.rules import withholding as tax
from ihss.payroll.rules.pay import Line, Work
from ihss.payroll.services import stubs


def test_a_deduction_row_is_the_withholding_after_its_stub_and_number():
    assert ("stub_id", "number", *tax.Withholding._fields) == stubs.DEDUCTION_FIELDS


def test_a_pay_line_row_is_the_line_after_its_stub_and_number():
    assert (
        "stub_id", "number", "source", "document_id", "recipient_id", "county_id", "program",
        *Line._fields[5:],
    ) == stubs.PAY_LINE_FIELDS  # fmt: skip
    assert Line._fields[:5] == ("source", "document", "recipient", "county", "program")
    line = Line("timesheet", 41, 7, 19, "IHSS", "hours", "regular",
                dt.date(2026, 11, 29), dt.date(2026, 12, 1), dt.date(2026, 12, 3),
                600, 2000, 10_000, 20_000, 2_400, 1, 2_400)  # fmt: skip
    first, second = stubs._pay_line_rows([5], [stubs.ProviderPay(3, [line, line])])
    assert second[:2] == (5, 2)  # numbered on its stub, from 1
    row = dict(zip(stubs.PAY_LINE_FIELDS, first, strict=True))
    assert row == {
        "stub_id": 5, "number": 1, "source": "timesheet", "document_id": 41, "recipient_id": 7,
        "county_id": 19, "program": "IHSS", "kind": "hours", "part": "regular",
        "week_start": dt.date(2026, 11, 29), "first_day": dt.date(2026, 12, 1),
        "last_day": dt.date(2026, 12, 3), "minutes": 600, "rate_cents": 2000,
        "multiplier_bp": 10_000, "cents": 20_000, "week_minutes": 2_400,
        "week_recipients": 1, "threshold_minutes": 2_400,
    }  # fmt: skip


def test_the_rules_walk_a_payable_item_as_it_comes():
    """The run hands the sources' items to the rules as they are: a Work is a payable item
    field for field (the names are the rules' own)."""
    assert Work._fields == (
        "provider", "day", "start", "source", "document", "recipient", "county", "program",
        "kind", "minutes", "cents", "overtime", "paid",
    )  # fmt: skip
    assert PayableItem._fields == (
        "provider_id", "day", "start", "source", "document_id", "recipient_id", "county_id",
        "program", "kind", "minutes", "cents", "overtime", "paid",
    )  # fmt: skip
