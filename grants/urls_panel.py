"""Staff pages of grant rounds: panel."""

urlpatterns = []
