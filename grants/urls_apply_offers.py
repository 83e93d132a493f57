"""The applicant's letters and offers."""

from django.urls import path

from . import views_offers

urlpatterns = [
    path("letters/<int:pk>/", views_offers.letter, name="letter"),
    path("letters/<int:pk>.pdf", views_offers.letter_pdf, name="letter_pdf"),
]
