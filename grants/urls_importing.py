"""Staff pages of grant rounds: importing."""

urlpatterns = []
