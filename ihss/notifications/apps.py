from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ihss.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The outbox sweep is a scheduled job of this app (see ihss.notifications.scheduler).
        from ihss.notifications import app, checks, jobs  # noqa: F401

        app.register()
