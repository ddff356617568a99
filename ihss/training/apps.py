from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "ihss.training"
    label = "training"
    verbose_name = "Career Pathways training"

    def ready(self) -> None:
        # Its API, token scopes and menu links (ihss/core/registry.py).
        from ihss.training import app

        app.register()
