"""Every paginated list of the portal, pages and API, goes through here (docs/api.md#pages).

Two policies, one per surface, so that no `?page=` can reach the database as an
impossible OFFSET (a page number past a 64-bit integer answered 500 before):

- **Pages (HTML)** take any `?page=` and never refuse it: a number past the end shows
  the last page; anything that is not a whole number from 1 (`abc`, `-1`, `1e9`, a
  number of 5,000 digits) shows the first. People follow links and edit addresses by
  hand; a list that always opens is kinder than an error.
- **The API** takes a whole number from 1 to MAX_PAGE and refuses anything else with
  422 and the field at fault, as for every other malformed parameter: a program that
  asks for page -1 has a bug its author should see. A page past the end of the results
  is an empty page with `has_next` false. API pages never COUNT the table: one query
  fetches the page and one row more, to tell whether another page follows.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.paginator import Page as DjangoPage
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import P, QueryEx

M = TypeVar("M", bound=Model)

# The largest primary key a database holds (a 64-bit signed integer): a key above it in an
# address or a body is no record, answered 404 or 422, never sent to the database.
MAX_KEY = 2**63 - 1

API_PAGE_SIZE = 50
# The highest page the API serves. Far past any real list (every IHSS provider of
# California, about 800,000, fits in 16,000 pages of 50), and small enough that the
# OFFSET it makes, (MAX_PAGE - 1) * API_PAGE_SIZE, is an ordinary integer to every database.
MAX_PAGE = 1_000_000

ApiPage = QueryEx[
    int,
    P(
        ge=1,
        le=MAX_PAGE,
        description=f"Page number, from 1 to {MAX_PAGE:,}; {API_PAGE_SIZE} results a page. "
        "A page past the end is empty.",
    ),
]


def api_page(
    queryset: QuerySet[M], page: int, *, size: int = API_PAGE_SIZE
) -> tuple[list[M], bool]:
    """One page of `queryset` and whether another follows: one query, no COUNT.

    `page` comes validated by ApiPage; a number outside 1..MAX_PAGE (a direct call)
    is clamped rather than sent to the database.
    """
    page = min(max(page, 1), MAX_PAGE)
    offset = (page - 1) * size
    rows = list(queryset[offset : offset + size + 1])
    return rows[:size], len(rows) > size


def html_page(
    request: HttpRequest, queryset: QuerySet[M], *, size: int, param: str = "page"
) -> DjangoPage[M]:
    """The page of `queryset` that `?<param>=` asks for, clamped to the pages there are:
    past the end gives the last, anything not a whole number from 1 gives the first."""
    paginator = Paginator(queryset, size)
    return paginator.page(min(_page_number(request.GET.get(param)), paginator.num_pages))


def _page_number(raw: str | None) -> int:
    """A page asked for, from 1: `0`, `-1`, `abc` and `1e9` are 1; digits past any real
    page (even thousands of them, which int() refuses) are a number past the end."""
    typed = (raw or "").strip()
    if not (typed.isascii() and typed.isdigit()):
        return 1
    if len(typed) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return max(int(typed), 1)
