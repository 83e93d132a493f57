from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Providers and agreements"

    def ready(self) -> None:
        from .models import Provider
        from .public import contracts_files_invalidate

        for signal in (post_save, post_delete):
            signal.connect(
                contracts_files_invalidate, sender=Provider, dispatch_uid="contracts_files"
            )
