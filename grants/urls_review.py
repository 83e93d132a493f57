"""The reviewers' pages: the applications assigned to them, their declarations and scores."""

app_name = "grants_review"

urlpatterns = []
