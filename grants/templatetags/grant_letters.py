"""The letters an applicant has been sent, listed on their account home and on each
application's page: sent letters only, of their own organisations' applications."""

from django import template

from ..models import Letter

register = template.Library()


def _sent_to(user):
    return (
        Letter.objects.filter(
            sent_at__isnull=False, application__organisation__memberships__user=user
        )
        .select_related("application__grant_round", "acceptance")
        .order_by("-sent_at", "pk")
    )


@register.inclusion_tag("grants/apply/_letters.html")
def letters_sent(user, application=None) -> dict:
    """The sent letters of ``user``'s organisations, or of one ``application`` of them."""
    found = _sent_to(user)
    if application is not None:
        found = found.filter(application=application)
    return {"letters": list(found), "one_application": application is not None}
