from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ihss.accounts"
    label = "accounts"
    verbose_name = "Accounts"
