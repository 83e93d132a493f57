"""E-mail goes by a job: a mail server that fails neither breaks nor undoes the
signature that caused the message, and the message is tried again."""

import pytest
from django.core import mail
from django.test import override_settings

from decisions.models import DecisionStatus, SignOff
from jobs.models import Job, JobStatus
from jobs.registry import BACK_OFF

from ..factories import signing_code
from .mailers import FlakyEmailBackend

FLAKY = "tests.jobs.mailers.FlakyEmailBackend"


@pytest.fixture
def flaky_mail():
    FlakyEmailBackend.failures = 0
    FlakyEmailBackend.attempts = 0
    with override_settings(EMAIL_BACKEND=FLAKY):
        yield FlakyEmailBackend


@pytest.fixture
def awaiting_decision(draft, advance, people):
    for person in people.values():
        person.email = f"{person.username}@example.org"
        person.save()
    decision = advance(draft, "awaiting_decision")
    mail.outbox.clear()
    return decision


def _sign_as_commissioner(client, decision, people, password):
    commissioner = people["commissioner"]
    client.force_login(commissioner)
    return client.post(
        f"/staff/decisions/{decision.pk}/act/approve/",
        {"password": password, "code": signing_code(commissioner)},
    )


def test_a_signature_is_saved_and_its_e_mail_retried_when_the_mail_server_fails(
    client, awaiting_decision, people, password, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures = 2  # down for the first two attempts
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_as_commissioner(client, awaiting_decision, people, password)

    assert response.status_code == 302  # the signer is not shown an error
    awaiting_decision.refresh_from_db()
    assert awaiting_decision.status == DecisionStatus.APPROVED
    assert SignOff.objects.filter(
        decision=awaiting_decision, signer=people["commissioner"]
    ).exists()
    job = Job.objects.get(kind="mail.send")
    assert job.status == JobStatus.FINISHED
    assert job.attempts == 3  # two refusals, then sent
    assert flaky_mail.attempts == 3
    assert [m.to for m in mail.outbox] == [["monitoring.officer@example.org"]]
    assert "awaits you" in mail.outbox[0].subject


def test_a_mail_server_that_never_answers_fails_the_job_not_the_signature(
    client, awaiting_decision, people, password, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_as_commissioner(client, awaiting_decision, people, password)

    assert response.status_code == 302
    awaiting_decision.refresh_from_db()
    assert awaiting_decision.status == DecisionStatus.APPROVED
    job = Job.objects.get(kind="mail.send")
    # Tried once and once again after each wait of the back-off, then given up.
    assert job.attempts == len(BACK_OFF) + 1
    assert job.status == JobStatus.FAILED
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in job.error
    assert mail.outbox == []
    # The signer sees what became of the message on the job's page.
    page = client.get(job.get_absolute_url())
    assert "The job failed" in page.text
    assert "Connection unexpectedly closed" in page.text


class SecondRefusedBackend(FlakyEmailBackend):
    """Sends one message, then refuses ``failures`` times: a server that drops out
    part of the way through."""

    sent_once = False

    def send_messages(self, messages):
        if type(self).sent_once and FlakyEmailBackend.failures:
            FlakyEmailBackend.failures -= 1
            raise OSError("Network is unreachable")
        type(self).sent_once = True
        return super(FlakyEmailBackend, self).send_messages(messages)


def test_a_retry_sends_only_the_messages_not_sent_yet(
    db, flaky_mail, django_capture_on_commit_callbacks
):
    from jobs.mail import mail_message, send_later

    flaky_mail.failures = 1
    SecondRefusedBackend.sent_once = False
    with (
        override_settings(EMAIL_BACKEND=f"{__name__}.SecondRefusedBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_later(
            [
                mail_message("First", "one", ["a@example.org"]),
                mail_message("Second", "two", ["b@example.org"]),
            ],
            title="Two messages",
        )
    job = Job.objects.get(title="Two messages")
    assert job.status == JobStatus.FINISHED and job.attempts == 2
    # The first went before the failure; the retry sent the second only.
    assert [m.subject for m in mail.outbox] == ["First", "Second"]


def test_no_e_mail_is_queued_for_a_signature_that_was_rolled_back(
    awaiting_decision, people, password, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from decisions import services

    commissioner = people["commissioner"]
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.decision_transition(
            decision=awaiting_decision,
            by=commissioner,
            action="approve",
            password=password,
            code=signing_code(commissioner),
        )
        raise RuntimeError("something after the signature failed")
    awaiting_decision.refresh_from_db()
    assert awaiting_decision.status == DecisionStatus.AWAITING_DECISION
    assert not Job.objects.filter(kind="mail.send").exists()
    assert mail.outbox == []
