"""The portal's URL patterns as the tests see them: walked from the real resolver."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Any]:
    """(route, "namespace:name" or None, pattern) of every URL pattern, in URLconf order."""
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}{p.name}" if p.name else None), p


def all_routes() -> list[tuple[str, str | None, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def arguments(route: str) -> list[str]:
    """The names of a route's arguments: "<int:pk>" and ninja's "<message_id>" alike."""
    return re.findall(r"<(?:\w+:)?(\w+)>", route)
