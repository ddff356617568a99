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

        # Reset and confirmation links are made when their email is sent, never stored.
        from ihss.accounts.recovery import reset_link_path
        from ihss.accounts.registration import confirmation_link_path
        from ihss.notifications.events import Event, register_email_link

        register_email_link(Event.PASSWORD_RESET_LINK, reset_link_path)
        register_email_link(Event.EMAIL_CONFIRMATION, confirmation_link_path)

        # Its menu links (ihss/core/registry.py).
        from ihss.accounts import app

        app.register()
