"""EVV's API under /api/v1/visits/ (evv:read, evv:write)."""

from ninja import Router

router = Router(tags=["EVV visits"])
