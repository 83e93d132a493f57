"""Staff pages of grant rounds: letters."""

urlpatterns = []
