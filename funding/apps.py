from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Funding streams and allocations"

    def ready(self):
        from . import jobs  # noqa: F401 - registers the import jobs
