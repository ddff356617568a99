"""Career Pathways' API under /api/v1/training/: the catalog (public), a provider's own
registrations, claims and incentives, and the training provider's rosters and attendance.

Everything but the catalog takes a personal access token with `training:read` (GET) or
`training:write` (POST, PUT), or a signed-in session; each call is checked against the
caller's roles.
"""

from __future__ import annotations

from ninja import Router

from ihss.training.api import catalog, mine, staff

router = Router(tags=["Career Pathways"])
router.add_router("", catalog.router)
router.add_router("", mine.router)
router.add_router("", staff.router)
