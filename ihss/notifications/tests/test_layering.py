"""The notification service is called by every app and imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent
OTHER_APPS = ("ihss.accounts", "ihss.cases", "ihss.timesheets", "ihss.payroll", "ihss.web")


def test_the_notification_service_imports_no_other_portal_app():
    offending = []
    for path in APP.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offending += [
                f"{path.relative_to(APP)}: {name}" for name in names if name.startswith(OTHER_APPS)
            ]
    assert offending == []
