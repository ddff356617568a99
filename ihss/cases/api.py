"""Read API for case records (being built: see issue 3)."""

from ninja import Router

router = Router(tags=["cases"])
