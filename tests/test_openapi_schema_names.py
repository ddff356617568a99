"""Every API schema has its own name: django-ninja files schemas in the OpenAPI document by
class name, so two apps' `Refusal` (or `SickLeaveOut`) would silently describe one with the
other's fields, and clients and the fuzzer would check answers against the wrong shape."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import ihss.urls  # noqa: F401  (loads every app's API)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_no_two_api_schemas_share_a_name():
    modules: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("ihss."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: mods for name, mods in modules.items() if len(mods) > 1} == {}
