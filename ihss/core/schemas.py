"""JSON shapes every app's API shares."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field


class Page(Schema):
    """Envelope of a paginated list: a fixed number of results a page, `?page=` from 1."""

    page: int
    page_size: int
    has_next: bool = Field(description="Whether page + 1 has results.")
