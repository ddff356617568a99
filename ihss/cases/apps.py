from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ihss.cases"
    label = "cases"
    verbose_name = "Case records"

    def ready(self) -> None:
        from ihss.cases import audit_labels
        from ihss.core import audit_display

        audit_display.register_actions(audit_labels.ACTIONS)
        audit_display.register_labels(audit_labels.LABELS)

        from ihss.cases import app

        app.register()
