"""The notification service's own scheduled job: the outbox sweep."""

from __future__ import annotations

import datetime as dt

from ihss.notifications import services
from ihss.notifications.scheduler import job


@job("notifications.sweep_outbox", every=dt.timedelta(minutes=1))
def sweep_outbox(slot: dt.datetime) -> None:
    """Queue again what is due: retries, and messages whose worker died mid-send."""
    services.sweep()
