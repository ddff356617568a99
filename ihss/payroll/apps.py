from django.apps import AppConfig


class PayrollConfig(AppConfig):
    name = "ihss.payroll"
    label = "payroll"
    verbose_name = "Payroll"

    def ready(self) -> None:
        # Its scheduled jobs (the direct deposits unused for 60 days).
        # Its API, token scopes and menu links (ihss/core/registry.py).
        from ihss.payroll import (
            app,
            scheduled,  # noqa: F401
        )

        app.register()
