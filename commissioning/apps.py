from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    verbose_name = "Providers and agreements"
