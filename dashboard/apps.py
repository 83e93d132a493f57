from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The site's front page: each signed-in user's dashboard, drawn from every area."""

    name = "dashboard"
    verbose_name = "Dashboard"
