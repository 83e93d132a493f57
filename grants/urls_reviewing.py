"""Staff pages of grant rounds: reviewing."""

urlpatterns = []
