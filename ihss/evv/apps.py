from django.apps import AppConfig


class EvvConfig(AppConfig):
    name = "ihss.evv"
    label = "evv"
    verbose_name = "Electronic visit verification"

    def ready(self) -> None:
        # Its API, token scopes, menu links and the hooks timesheets reads
        # (ihss/core/registry.py, ihss/core/visits.py); its scheduled jobs.
        from ihss.evv import (
            app,
            scheduled,  # noqa: F401  (its @job registrations)
        )

        app.register()
