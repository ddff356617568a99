"""Text that reaches the portal is checked here, once, before any view reads it (ADR 0013).

PostgreSQL cannot store the NUL character (a DataError, so a 500, wherever one reached a
query), and a value longer than its column is a DataError too. Views, forms, the lockout
and ninja all read the request, so the check sits in front of all of them:

- NUL anywhere (the path, a query or form name or value, a string of a JSON body) is
  refused. No keyboard types it and no page of the portal sends it.
- A query or form value longer than settings.INPUT_MAX_CHARS (the longest text the portal
  asks for), or than settings.INPUT_MAX_CHARS_BY_NAME for names read outside any form
  field (the username, which the sign-in throttle records as typed), is refused. Fields
  keep their own, shorter limits (form fields and API schemas declare max_length); this
  is the bound for what no field checks. The browser never sends more: inputs carry
  maxlength.

A refused page answers 400 with what was wrong, in the person's language; a refused API
call answers 422 in ninja's shape, `{"detail": [{"type", "loc", "msg"}]}`, like any other
malformed field. Nothing is stripped or cut silently: a changed password or reason would
be worse than a clear refusal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

NUL = "\x00"
API_PREFIX = "/api/"


@dataclass(frozen=True)
class Problem:
    """What is wrong with one input: `loc` names it as ninja does (`["query", "q"]`)."""

    kind: str  # "string_nul" or "string_too_long"
    loc: tuple[str | int, ...]
    message: str


def _nul(loc: tuple[str | int, ...]) -> Problem:
    return Problem(
        "string_nul",
        loc,
        _(
            "What you sent contains a NUL character (an invisible control character), "
            "which the portal does not accept. Remove it and try again."
        ),
    )


def _too_long(loc: tuple[str | int, ...], name: str, limit: int, length: int) -> Problem:
    return Problem(
        "string_too_long",
        loc,
        _("“%(name)s” is too long: at most %(limit)s characters, and it has %(length)s.")
        % {
            "name": name,
            "limit": number_format(limit, force_grouping=True),
            "length": number_format(length, force_grouping=True),
        },
    )


def limit_for(name: str) -> int:
    """The most characters a query or form value called `name` may have."""
    return int(settings.INPUT_MAX_CHARS_BY_NAME.get(name, settings.INPUT_MAX_CHARS))


def _fields(where: str, data: Any) -> Iterator[Problem]:
    for name, values in data.lists():
        if NUL in name:
            yield _nul((where,))
            return
        for value in values:
            if not isinstance(value, str):
                continue
            if NUL in value:
                yield _nul((where, name))
                return
            limit = limit_for(name)
            if len(value) > limit:
                yield _too_long((where, name), name, limit, len(value))
                return


def _json_strings(document: Any, at: tuple[str | int, ...]) -> Iterator[Problem]:
    """NUL in any string or key of a JSON document, walked without recursion."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, at)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                yield _nul(where)
                return
        elif isinstance(value, dict):
            for key, item in value.items():
                if NUL in key:
                    yield _nul(where)
                    return
                stack.append((item, (*where, key)))
        elif isinstance(value, list):
            stack.extend((item, (*where, index)) for index, item in enumerate(value))


def problems(request: HttpRequest) -> Iterator[Problem]:
    """Everything wrong with the text of `request` that can be told before the view runs.

    A multipart body is left to process_view, which knows the view.
    """
    if NUL in request.path_info:
        yield _nul(("path",))
        return
    yield from _fields("query", request.GET)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.content_type == "application/x-www-form-urlencoded":
        yield from _fields("form", request.POST)
    elif request.content_type == "multipart/form-data" or not request.body:
        return
    # ninja reads an API body as JSON whatever its declared type, so this does too.
    elif request.content_type == "application/json" or request.path_info.startswith(API_PREFIX):
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # not JSON: the view (ninja) refuses it with its own message
        except RecursionError:  # thousands of nested brackets: no parser can read it
            yield Problem(
                "json_too_deep", ("body",), _("The request body is nested too deeply to read.")
            )
            return
        # Where ninja would say it: every operation's body parameter is called `data`.
        yield from _json_strings(document, ("body", "data"))


class CleanInputMiddleware:
    """Refuses a request whose text the database could not take (see the module doc).

    Runs after the language is chosen (the message is in the person's language) and
    before any view, form or sign-in backend reads the request. Query strings, JSON and
    urlencoded forms are checked when the request comes in; a multipart form once the
    view is known (process_view, after the CSRF check).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = next(problems(request), None)
        if found is not None:
            return refusal(request, found)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.content_type != "multipart/form-data":
            return None
        # The CSRF check reads every POST it guards, so reading it here changes nothing;
        # a view exempt from it may choose where its uploads are streamed, so its body is
        # left to it (and to its form's fields) unless something read it already.
        if getattr(view, "csrf_exempt", False) and not hasattr(request, "_post"):
            return None
        found = next(_fields("form", request.POST), None)
        return refusal(request, found) if found is not None else None


def refusal(request: HttpRequest, problem: Problem) -> HttpResponse:
    """422 in ninja's shape for the API; 400 as JSON for a page's script that sent JSON
    (the EVV phone's upload); the 400 page, saying what was wrong, otherwise."""
    detail = [{"type": problem.kind, "loc": list(problem.loc), "msg": problem.message}]
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": detail}, status=422)
    if request.content_type == "application/json":
        return JsonResponse({"detail": detail, "message": problem.message}, status=400)
    return render(request, "400.html", {"problem": problem.message}, status=400)
