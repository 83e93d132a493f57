"""Staff pages of grant rounds: the Review Panel, and the decision drafted from it."""

from django.urls import path

from . import views_panel

urlpatterns = [
    path("<int:pk>/panel/", views_panel.round_panel, name="panel"),
    path("<int:pk>/panel/meeting/", views_panel.panel_meeting, name="panel_meeting"),
    path("<int:pk>/panel/decision/", views_panel.panel_decision, name="panel_decision"),
    path(
        "applications/<int:pk>/recommend/",
        views_panel.panel_recommend,
        name="panel_recommend",
    ),
    path(
        "applications/<int:pk>/interest/",
        views_panel.panel_interest,
        name="panel_interest",
    ),
]
