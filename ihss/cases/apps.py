from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ihss.cases"
    label = "cases"
    verbose_name = "Case records"
