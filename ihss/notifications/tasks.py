"""Background tasks of the notification service."""

from __future__ import annotations

from django_tasks import task

from ihss.notifications import services


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one outbox row (an email or a text), if it is still due."""
    return services.deliver(delivery_id)


@task()
def send_deliveries(delivery_ids: list[int]) -> dict[str, str]:
    """Send a batch of outbox rows, each claimed on its own as by `send_delivery`.

    Returns each row's outcome, by id.
    """
    return {str(delivery_id): services.deliver(delivery_id) for delivery_id in delivery_ids}
