from django.apps import AppConfig


class PccGrantsConfig(AppConfig):
    name = "pcc_grants"
    verbose_name = "Organisation and users"
