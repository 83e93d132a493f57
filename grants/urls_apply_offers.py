"""The applicant's letters and offers."""

urlpatterns = []
