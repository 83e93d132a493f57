"""Staff pages of grant rounds: moderation."""

urlpatterns = []
