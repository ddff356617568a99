"""The timesheet workflow under /api/v1/timesheets/: for a phone app and a telephone system.

The same rules as the pages (views), through the same modules: timesheets are loaded
only through `access`, changed only through `services`, and a refusal is explained with
`explain`, in the caller's language. Each step first checks the caller's role (403 for a
role the step is not for, whatever the timesheet named), then finds the timesheet among
those the caller may see (404 otherwise, exactly like one that does not exist), then
checks that the caller is the one the step is for on that timesheet (403). A provider's
work-hour violations (`/violations`) and the county's exceptions to the weekly maximum
(`/weekly-maximum-exceptions`) are loaded and changed the same way, through `access` and
`services`, as is a recipient's table of hours (`/hours`), travel claimed on a timesheet
(`/{id}/travel`) and paid sick leave (`/sick-leave`: a provider's balance and claims, the
recipient's approval).

- 403: a role or person the step is not for; a token without the scope; a session
  signature without a recent confirmation.
- 404: a timesheet (or workweek of it) the caller cannot see.
- 409 `{"detail", "problems"}`: the step does not fit the timesheet as it is now (sent
  already, hours that break a rule, not waiting for review). Nothing changed.
- 422: what was sent is wrong; ninja's shape, `{"detail": [{"loc", "msg", ...}]}`, with
  the message written for the person. Nothing changed.

A personal access token needs timesheets:read for GET and timesheets:write for POST and
PUT (ihss/api.py mounts this router with it); its owner's roles are checked at each call
as a session's are. The token is also the recipient's fresh credential for a signature:
it was made with their password. A session must have confirmed it is the person within
SIGNATURE_REAUTH_SECONDS, as on the approval page.

Lists run a fixed number of queries whatever their length: people, county and the total
minutes come in the page's own query (tests pin it).

One module per resource, each with its own router: `violations`, `exceptions` (the
weekly maximum's), `hours`, `sick_leave`, `review` (the county's), then the timesheet's
own (`timesheets`, `travel`). The resources under a word of their own are mounted first,
so that `/{timesheet_id}` never takes their word; helpers shared by them are in `common`.
"""

from __future__ import annotations

from ninja import Router

from ihss.timesheets.api import (
    exceptions,
    hours,
    review,
    sick_leave,
    timesheets,
    travel,
    violations,
)

# The token (ihss/api.py) or the session authenticates; ninja's SessionAuth keeps its
# CSRF check for session POST and PUT.
router = Router(tags=["timesheets"])
for resource in (violations, exceptions, hours, sick_leave, review, timesheets, travel):
    router.add_router("", resource.router)

__all__ = ["router"]
