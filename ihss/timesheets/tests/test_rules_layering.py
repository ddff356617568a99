"""The timesheet rules are pure: every module of the rules package imports only the standard
library and other rules modules, never Django, the database or a higher layer."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent / "rules"


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_the_rules_are_a_package_of_one_module_a_topic():
    topics = {p.stem for p in RULES.glob("*.py")}
    assert {"calendar", "hours", "travel", "sick_leave", "violations", "review"} <= topics


def test_every_rules_module_imports_only_the_standard_library_and_other_rules():
    offending = []
    for path in sorted(RULES.glob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if name.startswith("ihss.timesheets.rules") or top in sys.stdlib_module_names:
                continue
            offending.append(f"{path.name}: {name}")
    assert offending == []


def test_every_rule_in_use_is_still_read_as_rules_dot_name():
    from ihss.timesheets import rules

    for name in ("check_hours", "check_travel", "sick_leave_balance", "record_violation"):
        assert callable(getattr(rules, name))
    assert rules.workweek_containing.__module__ == "ihss.timesheets.rules.calendar"
