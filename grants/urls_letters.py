"""Staff pages of grant rounds: letters."""

from django.urls import path

from . import views_letters

urlpatterns = [
    path("<int:pk>/letters/", views_letters.round_letters, name="round_letters"),
    path("letters/<int:pk>/", views_letters.letter_edit, name="letter_edit"),
    path("letters/<int:pk>.pdf", views_letters.letter_pdf, name="letter_pdf"),
]
