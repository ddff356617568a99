"""A notice is offered in the settings only once something in the portal sends it, and only
to the roles that receive it (issue 14, item 10)."""

from __future__ import annotations

import re
from pathlib import Path

from ihss.notifications.events import SPECS, Event

IHSS = Path(__file__).resolve().parents[2]


def _raised_in_code() -> set[str]:
    """Events named by the portal's own code, outside the registry, demos and tests."""
    raised: set[str] = set()
    for path in IHSS.rglob("*.py"):
        parts = set(path.parts)
        if parts & {"tests", "migrations"} or path.name == "demo.py":
            continue
        if path == IHSS / "notifications" / "events.py":
            continue
        raised |= set(re.findall(r"\bEvent\.([A-Z_]+)\b", path.read_text()))
    return {Event[name].value for name in raised if name in Event.__members__}


def test_it_offers_exactly_the_notices_something_sends():
    raised = _raised_in_code()
    sent = {event for event, spec in SPECS.items() if spec.sent}
    assert sent - raised == set(), "marked sent, but nothing raises it"
    assert raised - sent == set(), "raised by the portal: mark it sent=True in events.py"


def test_every_notice_for_providers_or_recipients_says_who_receives_it():
    for event, spec in SPECS.items():
        described = str(spec.description)
        if described.startswith("For providers"):
            assert spec.audience == {"provider"}, event
        if described.startswith("For recipients"):
            assert spec.audience == {"recipient"}, event
