from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "ihss.training"
    label = "training"
    verbose_name = "Career Pathways training"

    def ready(self) -> None:
        # Its scheduled jobs (class reminders).
        # Its API, token scopes and menu links (ihss/core/registry.py).
        from ihss.training import (
            app,
            scheduled,  # noqa: F401
        )

        app.register()
