"""The header navigation of each role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ihss.accounts.models import Role

ROLE_HOME = {
    Role.PROVIDER: "provider-home",
    Role.RECIPIENT: "recipient-home",
    Role.COUNTY_STAFF: "county-home",
    Role.TRAINING_PROVIDER: "training-provider-home",
    Role.COACH: "coach-home",
    Role.SERVICE_DESK: "service-desk-home",
    Role.STATE_ADMIN: "state-home",
}

# Extra links per role, after its home page: (url name, label).
ROLE_LINKS: dict[str, list[tuple[str, Any]]] = {
    Role.PROVIDER: [("timesheets:mine", _("Timesheets"))],
    Role.RECIPIENT: [("timesheets:review", _("Timesheets"))],
    Role.COUNTY_STAFF: [
        ("timesheets:county", _("Timesheet review")),
        ("timesheets:violations", _("Violations")),
        ("cases:recipient-list", _("Recipients")),
        ("cases:provider-list", _("Providers")),
        ("cases:import", _("Import")),
    ],
    Role.SERVICE_DESK: [
        ("cases:recipient-list", _("Recipients")),
        ("cases:provider-list", _("Providers")),
        ("accounts:desk-search", _("Accounts")),
        ("notifications:outbox", _("Outbox")),
    ],
    Role.STATE_ADMIN: [
        ("timesheets:county", _("Timesheet review")),
        ("cases:recipient-list", _("Recipients")),
        ("cases:provider-list", _("Providers")),
        ("cases:import", _("Import")),
        ("accounts:desk-search", _("Accounts")),
        ("accounts:factor-requests", _("Second-factor requests")),
        ("notifications:outbox", _("Outbox")),
        ("core:parameters", _("Program parameters")),
    ],
}

ROLE_HOME_LABEL = {
    Role.PROVIDER: _("My work"),
    Role.RECIPIENT: _("My care"),
    Role.COUNTY_STAFF: _("County home"),
    Role.TRAINING_PROVIDER: _("Training home"),
    Role.COACH: _("Coaching home"),
    Role.SERVICE_DESK: _("Service desk"),
    Role.STATE_ADMIN: _("State home"),
}


@dataclass(frozen=True)
class NavItem:
    url: str
    label: Any
    current: bool


def navigation_for(user: Any, path: str) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    seen: set[str] = set()
    items: list[NavItem] = []
    for role in [m.role for m in user.active_memberships()]:
        for name, label in [(ROLE_HOME[role], ROLE_HOME_LABEL[role]), *ROLE_LINKS.get(role, [])]:
            if name in seen:
                continue
            seen.add(name)
            url = reverse(name)
            items.append(NavItem(url=url, label=label, current=path.startswith(url)))
    return items
