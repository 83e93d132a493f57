"""Tell whoever can act next on a record, by e-mail (they also see it on their dashboard)."""

from django.conf import settings
from django.urls import reverse

from jobs.mail import mail_message, send_later
from pcc_grants.models import User

from .models import Decision, DecisionStatus
from .tasks import next_actors


def notify_next(decision_pk: int, actor_pk: int | None) -> int:
    """E-mail each person whose roles let them act next; returns how many were sent."""
    decision = Decision.objects.select_related("lead_officer").get(pk=decision_pk)
    url = settings.SITE_URL + reverse("decisions:detail", args=[decision.pk])
    name = decision.reference or f"draft “{decision.title}”"
    messages = []
    if decision.status == DecisionStatus.DRAFT and decision.events.exists():
        recipients = {decision.lead_officer}
        subject = f"Decision {name} was returned for changes"
        body = f"{decision.title}\n\nThe record was returned to draft. See why: {url}\n"
        messages.extend(
            mail_message(subject, body, [user.email]) for user in recipients if user.email
        )
    # One message per person, however many of their roles can act.
    actions_by_user: dict[User, set] = {}
    for role, actions in next_actors(decision).items():
        users = User.objects.filter(groups__name=role, is_active=True).exclude(pk=actor_pk)
        for user in users:
            actions_by_user.setdefault(user, set()).update(actions)
    for user in sorted(actions_by_user, key=lambda u: u.pk):
        if not user.email:
            continue
        subject = f"Decision {name} awaits you: {', '.join(sorted(actions_by_user[user]))}"
        body = f"{decision.title}\n\nIt is {decision.get_status_display().lower()}.\n{url}\n"
        messages.append(mail_message(subject, body, [user.email]))
    # Sent by a job: a slow or failing mail server neither slows nor undoes the step.
    actor = User.objects.filter(pk=actor_pk).first() if actor_pk else None
    send_later(messages, title=f"E-mail about decision {name}", by=actor)
    return len(messages)
