from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and two-factor authentication"

    def ready(self) -> None:
        from . import signals  # noqa: F401
