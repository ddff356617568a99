from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ihss.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ihss.accounts import checks  # noqa: F401
        from ihss.accounts.second_factor import on_signed_in

        user_logged_in.connect(on_signed_in, dispatch_uid="ihss.accounts.second_factor")
