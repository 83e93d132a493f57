from django.urls import path

from . import public

# Included at the site's root without a namespace (the register itself is
# urls_public.py, under /decisions/): the published address and its URL name stay
# as they are linked from outside.
urlpatterns = [
    path("open-data/decisions.json", public.open_data_decisions, name="open_data_decisions"),
]
