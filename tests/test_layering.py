"""Imports flow one way between the portal's apps (docs/adr/0015-app-registry-and-layers.md).

Read with `ast`, not by importing: an import inside a function counts as much as one at the
top. Tests and migrations are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

IHSS = Path(__file__).resolve().parent.parent / "ihss"

# Each app and the apps it may import (besides itself). Apps of one layer do not import
# each other: timesheets, evv and training meet through the registry and payable items.
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "notifications": {"core"},
    "cases": {"core"},
    "accounts": {"core", "cases", "notifications"},
    "timesheets": {"core", "cases", "accounts", "notifications"},
    "evv": {"core", "cases", "accounts", "notifications"},
    "training": {"core", "cases", "accounts", "notifications"},
    # Payroll reads payable items and never imports a source of pay.
    "payroll": {"core", "cases", "accounts", "notifications"},
    "web": {"core", "cases", "accounts", "notifications", "timesheets", "evv", "training"}
    | {"payroll"},
}
# The edge of an app (HTTP in, HTML or JSON out, and the declarations of app.py) may also use
# accounts' users, roles and request helpers, even in an app below accounts, which holds the
# records accounts link people to. Notifications never: every app calls it.
EDGE_MODULES = {"views", "api", "forms", "urls", "access", "app", "import_views", "templatetags"}
EDGE_MAY_ALSO_IMPORT = {"cases": {"accounts"}}
# The inner layer of every app: data, pure rules and the workflows. They import only apps
# below their own and never an edge module (of their app or another).
INNER_MODULES = {"models", "rules", "services"}
# Modules at the project level (ihss/<name>.py) and the apps they may import.
PROJECT_MODULES: dict[str, set[str]] = {
    "api": {"core", "accounts"},
}
# Modules that read the registry instead of importing the apps above them.
REGISTRY_READERS: dict[str, set[str]] = {
    "web/navigation.py": {"core", "accounts"},
}

# Imports that break the layering today, each with why it stays for now. Keep this empty.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _apps() -> list[str]:
    return sorted(p.name for p in IHSS.iterdir() if (p / "apps.py").exists())


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.append(f"<relative import {node.module}>")
    return names


def _modules(app: str) -> list[Path]:
    return [
        path
        for path in sorted((IHSS / app).rglob("*.py"))
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def _room(path: Path, app: str) -> str:
    """`views` for views.py and views/<x>.py; `templatetags` for anything under it."""
    return path.relative_to(IHSS / app).parts[0].removesuffix(".py")


def _app_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "ihss" and len(parts) > 1 else None


def test_every_app_has_a_place_in_the_layers():
    assert set(_apps()) <= set(MAY_IMPORT), "add the new app to MAY_IMPORT and to ADR 0015"


def test_no_module_uses_relative_imports_the_check_cannot_follow():
    relative = [
        f"{path.relative_to(IHSS)}"
        for app in _apps()
        for path in _modules(app)
        if any(name.startswith("<relative") for name in _imports(path))
    ]
    assert relative == []


@pytest.mark.parametrize("app", _apps())
def test_it_imports_only_the_apps_below_it(app):
    offending = []
    for path in _modules(app):
        allowed = MAY_IMPORT[app] | {app}
        if _room(path, app) in EDGE_MODULES:
            allowed |= EDGE_MAY_ALSO_IMPORT.get(app, set())
        where = str(path.relative_to(IHSS))
        for name in _imports(path):
            target = _app_of(name)
            if target in (None, *allowed) or target not in MAY_IMPORT:
                continue
            if (where, name) not in KNOWN_EXCEPTIONS:
                offending.append(f"{where}: {name}")
    assert offending == []


@pytest.mark.parametrize("app", _apps())
def test_its_models_rules_and_services_import_no_higher_layer_and_no_edge(app):
    offending = []
    for path in _modules(app):
        if _room(path, app) not in INNER_MODULES:
            continue
        where = str(path.relative_to(IHSS))
        for name in _imports(path):
            target = _app_of(name)
            if target is None:
                continue
            parts = name.split(".")
            higher = target in MAY_IMPORT and target not in MAY_IMPORT[app] | {app}
            edge = len(parts) > 2 and parts[2] in EDGE_MODULES
            if (higher or edge) and (where, name) not in KNOWN_EXCEPTIONS:
                offending.append(f"{where}: {name}")
    assert offending == []


@pytest.mark.parametrize(
    ("where", "allowed"),
    [(f"{name}.py", apps) for name, apps in PROJECT_MODULES.items()]
    + list(REGISTRY_READERS.items())
    + [(str(p.relative_to(IHSS)), MAY_IMPORT["accounts"]) for p in _modules("accounts")],
)
def test_the_api_the_navigation_and_accounts_name_no_app_above_accounts(where, allowed):
    targets = {_app_of(name) for name in _imports(IHSS / where)} - {None, "accounts"}
    assert targets <= allowed, f"{where} imports {sorted(targets - allowed)}"


def test_the_known_exceptions_are_still_needed():
    """An exception fixed is removed from the list, so that it cannot come back unseen."""
    for where, name in KNOWN_EXCEPTIONS:
        assert name in _imports(IHSS / where), f"{where} no longer imports {name}"
