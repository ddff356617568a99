"""Where apps declare what they add to the portal, so that no central file names them.

Each app declares, in its own `ihss/<app>/app.py` (a `register()` function its
`AppConfig.ready` calls), three things:

- its API router and the prefix it is mounted at under /api/v1 (`add_api`);
- its personal access token scopes, with who may hold each (`add_scope`);
- its entries in the header navigation, with the roles that see them (`add_menu`).

`ihss/api.py` mounts the routers, `ihss/accounts` offers and checks the scopes, and
`ihss/web/navigation.py` draws the menus, all from here: none of them imports an app.
This module imports no app either (docs/adr/0015-app-registry-and-layers.md).

    # ihss/evv/app.py
    from django.utils.translation import gettext_lazy as _

    from ihss.core import registry


    def register() -> None:
        from ihss.evv import access
        from ihss.evv.api import router

        registry.add_api("/visits/", router, scope_resource="visits")
        registry.add_scope("visits:read", _("Read visits"), may_hold=access.can_read, order=50)
        registry.add_menu("evv:mine", _("Visits"), roles=["provider"], order=15)

Declaring the same thing twice with the same values is harmless (tests may call
`register()` again); declaring a name twice with different values is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# --- API routers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiMount:
    """One app's ninja router, mounted at /api/v1<prefix>.

    `scope_resource`, if given, puts personal access tokens in front of the session for
    every call of the router (`<resource>:read` for GET, `<resource>:write` for the
    others; ihss/accounts/api_auth.py). Leave it None when the router sets its own auth.
    """

    prefix: str
    router: Any
    scope_resource: str | None = None


_APIS: dict[str, ApiMount] = {}


def add_api(prefix: str, router: Any, *, scope_resource: str | None = None) -> None:
    """Mount `router` at /api/v1<prefix> ("/timesheets/")."""
    _add(_APIS, prefix, ApiMount(prefix=prefix, router=router, scope_resource=scope_resource))


def api_mounts() -> list[ApiMount]:
    """Every router, by prefix (so the OpenAPI document lists the paths alphabetically)."""
    return sorted(_APIS.values(), key=lambda m: m.prefix)


# --- Token scopes ---------------------------------------------------------------------------


class Scope(str):
    """A token scope. It is its name ("timesheets:read"), which tokens store, plus:

    - `label`: what it allows, in words a person choosing it understands;
    - `may_hold(user)`: whether the person's roles allow a token with it now. A scope is
      only a ceiling: each call is still checked against the roles at the time of the call;
    - `order`: where it is listed when a person makes a token.
    """

    label: Any
    may_hold: Callable[[Any], bool]
    order: int

    def __new__(
        cls, name: str, *, label: Any, may_hold: Callable[[Any], bool], order: int
    ) -> Scope:
        scope = super().__new__(cls, name)
        scope.label = label
        scope.may_hold = may_hold
        scope.order = order
        return scope

    @property
    def value(self) -> str:
        return str(self)

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        # A copy or a pickle is the plain name, as a token stores it.
        return str, (str(self),)

    def _same(self, other: Scope) -> bool:
        return (str(self), self.label, self.may_hold, self.order) == (
            str(other),
            other.label,
            other.may_hold,
            other.order,
        )


_SCOPES: dict[str, Scope] = {}


def add_scope(name: str, label: Any, *, may_hold: Callable[[Any], bool], order: int) -> None:
    """Declare the token scope `name` ("<resource>:read" or "<resource>:write").

    The name is what tokens store: never rename a scope once tokens may hold it.
    """
    resource, _sep, kind = name.partition(":")
    if not resource or kind not in {"read", "write"}:
        raise ImproperlyConfigured(f"A scope is <resource>:read or <resource>:write, not {name!r}.")
    scope = Scope(name, label=label, may_hold=may_hold, order=order)
    known = _SCOPES.get(name)
    if known is not None and not known._same(scope):
        raise ImproperlyConfigured(f"The token scope {name!r} is declared twice.")
    _SCOPES[name] = scope


def token_scopes() -> list[Scope]:
    """Every declared scope, in the order people see them."""
    return sorted(_SCOPES.values(), key=lambda s: (s.order, str(s)))


def token_scope(name: str) -> Scope | None:
    return _SCOPES.get(name)


class ScopeCatalogue:
    """The scopes as accounts has always named them: `TokenScope.TIMESHEETS_READ` is the
    scope "timesheets:read"; iterating gives every scope; `choices` pairs name and label."""

    def __getattr__(self, attribute: str) -> Scope:
        for scope in _SCOPES.values():
            if scope.upper().replace(":", "_") == attribute:
                return scope
        raise AttributeError(attribute)

    def __iter__(self) -> Iterator[Scope]:
        return iter(token_scopes())

    @property
    def choices(self) -> list[tuple[str, Any]]:
        return [(str(s), s.label) for s in token_scopes()]


# --- Navigation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    """A link in the header of every role in `roles`, after the role's home page.

    `url_name` is reversed with no arguments; a role's links are shown by `order`, lowest
    first (the numbers of every app share one scale: see docs/adr/0015).
    """

    url_name: str
    label: Any
    roles: frozenset[str]
    order: int


_MENU: dict[str, MenuEntry] = {}


def add_menu(url_name: str, label: Any, *, roles: Iterable[str], order: int) -> None:
    """Add the link `url_name` to the menu of each of `roles` (role values: "provider")."""
    entry = MenuEntry(
        url_name=url_name, label=label, roles=frozenset(str(r) for r in roles), order=order
    )
    _add(_MENU, url_name, entry)


def menu_for(role: str) -> list[MenuEntry]:
    """The links of one role, in order."""
    return sorted(
        (e for e in _MENU.values() if role in e.roles), key=lambda e: (e.order, e.url_name)
    )


def menu_entries() -> list[MenuEntry]:
    return sorted(_MENU.values(), key=lambda e: (e.order, e.url_name))


def _add(table: dict[str, Any], key: str, value: Any) -> None:
    known = table.get(key)
    if known is not None and known != value:
        raise ImproperlyConfigured(f"{key!r} is declared twice in the app registry.")
    table[key] = value
