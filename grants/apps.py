from django.apps import AppConfig


class GrantsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grants"
    verbose_name = "Grant rounds"

    def ready(self):
        # The approval of a round's Decision Record decides the round, in the same
        # transaction (decisions.signals; grants.awarding.decide_rounds).
        from decisions.signals import decision_approved

        from .awarding import decide_rounds

        decision_approved.connect(decide_rounds, dispatch_uid="grants.decide_rounds")

        from . import jobs  # noqa: F401 - registers the round import's jobs
