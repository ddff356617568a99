"""The header navigation of each role: its home page, then the links the apps declare for
it in their own `app.py` (ihss/core/registry.py, `add_menu`); this module names no app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ihss.accounts.models import Role
from ihss.core import registry

ROLE_HOME = {
    Role.PROVIDER: "provider-home",
    Role.RECIPIENT: "recipient-home",
    Role.COUNTY_STAFF: "county-home",
    Role.TRAINING_PROVIDER: "training-provider-home",
    Role.COACH: "coach-home",
    Role.SERVICE_DESK: "service-desk-home",
    Role.STATE_ADMIN: "state-home",
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
        links = [(e.url_name, e.label) for e in registry.menu_for(role)]
        for name, label in [(ROLE_HOME[role], ROLE_HOME_LABEL[role]), *links]:
            if name in seen:
                continue
            seen.add(name)
            url = reverse(name)
            items.append(NavItem(url=url, label=label, current=path.startswith(url)))
    return items
