from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The top floor: demo data, bulk data and the benchmark. Nothing imports it."""

    name = "devtools"
    verbose_name = "Development tools"
