from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ihss.web"
    label = "web"
    verbose_name = "Web"
