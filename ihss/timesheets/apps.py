from django.apps import AppConfig


class TimesheetsConfig(AppConfig):
    name = "ihss.timesheets"
    label = "timesheets"
    verbose_name = "Timesheets"

    def ready(self) -> None:
        # Register this app's scheduled reminders with the notification scheduler.
        # Name this app's events that case pages show (the county's exceptions).
        from django.utils.translation import gettext_lazy as _

        from ihss.core import audit_display
        from ihss.timesheets import reminders  # noqa: F401

        audit_display.register_actions(
            {"timesheet.weekly_maximum_exception": _("Exception to the weekly maximum granted")}
        )
        audit_display.register_labels({"month": _("Month")})

        # Its API, token scopes and menu links (ihss/core/registry.py).
        from ihss.timesheets import app

        app.register()
