"""Every CSV the portal writes keeps spreadsheets from running a cell as a formula."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ihss.core import csvsafe


def written(rows) -> list[list[str]]:
    out = io.StringIO(newline="")
    csvsafe.writer(out).writerows(rows)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def test_it_escapes_each_formula_start_and_leaves_other_text_alone():
    names = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "Rosa"]
    assert written([names]) == [
        ['\'=HYPERLINK("http://x")', "'+1", "'-2+3", "'@SUM(A1)", "'\tTab", "'\rReturn", "Rosa"]
    ]


def test_it_writes_numbers_as_numbers_and_none_as_an_empty_cell():
    assert written([[3, -4, Decimal("-1.50"), None, True]]) == [["3", "-4", "-1.50", "", "True"]]


@hypothesis_settings(deadline=None)  # a busy shared machine is not a failure
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_no_cell_read_back_starts_a_formula_and_the_text_is_kept(values):
    (row,) = written([values])
    assert not any(cell.startswith(csvsafe.FORMULA_START) for cell in row)
    assert row == [("'" + v if v.startswith(csvsafe.FORMULA_START) else v) for v in values]


def test_every_csv_the_portal_writes_goes_through_the_safe_writer():
    """A new export must use ihss.core.csvsafe.writer, never csv.writer directly."""
    direct = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "ihss").rglob("*.py")
        if "tests" not in path.parts
        and path.name != "csvsafe.py"
        and direct.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
