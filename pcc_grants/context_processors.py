from django.utils.functional import SimpleLazyObject

from .models import OrganisationSettings
from .navigation import menu_for
from .roles import user_roles


def organisation(request):
    # Read when a template first asks; a view that has read the settings already
    # gives its own ``organisation``, which the template reads instead.
    return {"organisation": SimpleLazyObject(OrganisationSettings.load)}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "my_roles": []}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {
        "menu": menu_for(user, current),
        "my_roles": sorted(role.label for role in user_roles(user)),
    }
