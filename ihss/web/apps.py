from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ihss.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from ihss.accounts.models import Role
        from ihss.core import registry

        # The program parameters' pages (their service is core's: services.schedule_parameter).
        registry.add_menu(
            "parameters:list", _("Program parameters"), roles=[Role.STATE_ADMIN], order=90
        )
