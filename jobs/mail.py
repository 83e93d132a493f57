"""E-mail sent by a job, never inside the request that caused it: a slow or failing
mail server neither slows nor undoes a signature. A message that cannot be sent is
tried again after a minute, five, fifteen, an hour and three hours; then the job is
failed with the server's answer, for an administrator to see."""

import base64

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from .models import Job
from .registry import BACK_OFF, JobKind, register
from .services import job_start

KIND = "mail.send"


def mail_message(subject: str, body: str, to: list[str], attachments=()) -> dict:
    """One message as a job carries it: JSON, attachments as base64."""
    return {
        "subject": subject,
        "body": body,
        "to": list(to),
        "attachments": [
            {"name": name, "content": base64.b64encode(content).decode(), "type": mimetype}
            for name, content, mimetype in attachments
        ],
    }


def send_later(messages: list[dict], *, title: str, by=None) -> None:
    """Queue ``messages`` to be sent by a job, with the caller's transaction: nothing
    is sent for work that is rolled back."""
    messages = [m for m in messages if m["to"]]
    if not messages:
        return
    with transaction.atomic():
        job_start(kind=KIND, title=title, by=by, params={"messages": messages})


send_later.alters_data = True


def _built(data: dict) -> EmailMessage:
    email = EmailMessage(data["subject"], data["body"], None, data["to"])
    for attachment in data.get("attachments", ()):
        content = base64.b64decode(attachment["content"])
        email.attach(attachment["name"], content, attachment["type"])
    return email


def _send(job, progress) -> dict:
    """Send each message not yet sent, noting each as it goes: a retry sends only
    what the last attempt did not."""
    messages = job.params["messages"]
    sent = set(job.params.get("sent", []))
    progress(len(sent), len(messages), force=True)
    with get_connection(fail_silently=False) as connection:
        for number, data in enumerate(messages):
            if number in sent:
                continue
            connection.send_messages([_built(data)])
            sent.add(number)
            job.params = {**job.params, "sent": sorted(sent)}
            Job.objects.filter(pk=job.pk).update(params=job.params)
            progress(len(sent), len(messages))
    return {"sent": len(sent), "to": sorted({a for m in messages for a in m["to"]})}


register(
    JobKind(
        name=KIND,
        run=_send,
        result_template="jobs/result_mail.html",
        retry_delays=BACK_OFF,
        wait_for_commit=True,
    )
)
