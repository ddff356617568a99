"""Background tasks of the notification service."""

from __future__ import annotations

from django_tasks import task

from ihss.notifications import services


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one outbox row (an email or a text), if it is still due."""
    return services.deliver(delivery_id)
