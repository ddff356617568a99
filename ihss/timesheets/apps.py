from django.apps import AppConfig


class TimesheetsConfig(AppConfig):
    name = "ihss.timesheets"
    label = "timesheets"
    verbose_name = "Timesheets"

    def ready(self) -> None:
        # Register this app's scheduled reminders with the notification scheduler.
        from ihss.timesheets import reminders  # noqa: F401
