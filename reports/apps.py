from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and open data"

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the report PDF job
        from .open_data import NAMED_IN_GRANTS, grants_files_invalidate

        for model in NAMED_IN_GRANTS:
            for signal in (post_save, post_delete):
                signal.connect(grants_files_invalidate, sender=model, dispatch_uid="grants_files")
