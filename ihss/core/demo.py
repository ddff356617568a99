"""Fictional demo data, loaded app by app: what `manage.py demo` runs.

Each app that has demo data gives it in its own `demo.py` module, with

    AFTER = ("accounts",)          # labels of the apps whose demo data it uses (optional)

    def load(context: DemoContext) -> None:
        ...                        # idempotent: running it again changes nothing

The command finds these modules through the app registry (no app is named anywhere),
orders them so that each runs after the apps in its AFTER (otherwise in INSTALLED_APPS
order), and runs them in one transaction. Loaders pass what later ones need through the
context (records by kind and key, users by username) and add the lines the command
prints at the end. Every name, number and SSN in the demo data is made up.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils import timezone


@dataclass
class DemoContext:
    """What the demo loaders share while they run."""

    today: dt.date = field(default_factory=timezone.localdate)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    lines: list[tuple[str, bool]] = field(default_factory=list)

    def keep(self, kind: str, key: str, record: Any) -> None:
        """Make `record` findable by later loaders as record(kind, key)."""
        self.records.setdefault(kind, {})[key] = record

    def record(self, kind: str, key: str) -> Any:
        try:
            return self.records[kind][key]
        except KeyError:
            raise LookupError(
                f"No demo {kind} {key!r}: is the app that loads it before this one (AFTER)?"
            ) from None

    def say(self, line: str, *, heading: bool = False) -> None:
        """A line for the command to print once everything is loaded."""
        self.lines.append((line, heading))


@dataclass(frozen=True)
class Loader:
    label: str
    after: tuple[str, ...]
    load: Callable[[DemoContext], None]


def _demo_module(app_name: str) -> ModuleType | None:
    name = f"{app_name}.demo"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def loaders() -> list[Loader]:
    """Every installed app's demo loader, each after the apps it names in AFTER."""
    found: list[Loader] = []
    for config in apps.get_app_configs():
        module = _demo_module(config.name)
        if module is None or not hasattr(module, "load"):
            continue
        found.append(Loader(config.label, tuple(getattr(module, "AFTER", ())), module.load))
    labels = {loader.label for loader in found}
    ordered: list[Loader] = []
    done: set[str] = set()
    waiting = list(found)
    while waiting:
        ready = next(
            (x for x in waiting if all(a in done or a not in labels for a in x.after)), None
        )
        if ready is None:
            names = ", ".join(x.label for x in waiting)
            raise RuntimeError(f"The demo loaders of {names} wait for each other (AFTER).")
        ordered.append(ready)
        done.add(ready.label)
        waiting.remove(ready)
    return ordered


def load_all(context: DemoContext | None = None) -> DemoContext:
    """Run every app's demo loader in order (the caller opens the transaction)."""
    context = context or DemoContext()
    for loader in loaders():
        loader.load(context)
    return context
