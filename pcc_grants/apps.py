from django.apps import AppConfig


class PccGrantsConfig(AppConfig):
    name = "pcc_grants"
    verbose_name = "Organisation and users"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
