"""A signature made on paper is recorded by an officer allowed to record it, with
their own password and the scan, on behalf of a signer chosen from the step's role
holders (or named, for a signer with no account), under the same separation of
duties. Reported: the Monitoring Officer alone took a submitted record to approved
and then published it, with one invented name as officer approver and Commissioner,
no password and no role check for the step."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from decisions import workflow
from decisions.models import Decision, DecisionStatus, SignOff
from pcc_grants.roles import Role

from ..factories import client_code, signing_code

pytestmark = pytest.mark.django_db


def scan():
    return SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n%%EOF\n")


def record_on_paper(client, decision, action, **fields):
    return client.post(
        f"/staff/decisions/{decision.pk}/paper/{action}/",
        {
            "signed_on": "2016-08-10",
            "scan": scan(),
            "title": "",
            "name": "",
            "code": client_code(client),
            **fields,
        },
    )


@pytest.fixture
def submitted(draft, advance, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return advance(draft, "awaiting_officer_approval")


@pytest.fixture
def monitoring_officer_client(client, people):
    client.force_login(people["monitoring_officer"])
    return client


def test_one_invented_name_cannot_sign_two_steps(submitted, monitoring_officer_client, password):
    client = monitoring_officer_client
    first = record_on_paper(
        client,
        submitted,
        "officer_approve",
        name="Jo Bloggs",
        title="Chief Executive",
        password=password,
    )
    assert first.status_code == 302
    second = record_on_paper(
        client, submitted, "approve", name="jo  bloggs", title="Commissioner", password=password
    )
    assert second.status_code == 200
    assert (
        workflow.PAPER_NAME_SIGNED_ALREADY.format(name="jo  bloggs").replace("'", "&#x27;")
        in second.content.decode()
    )
    assert Decision.objects.get(pk=submitted.pk).status == DecisionStatus.AWAITING_DECISION
    assert SignOff.objects.count() == 1


def test_the_signer_chosen_must_hold_the_steps_role(
    submitted, monitoring_officer_client, people, password
):
    response = record_on_paper(
        monitoring_officer_client,
        submitted,
        "officer_approve",
        signer=people["cfo"].pk,
        password=password,
    )
    # The CFO may give officer approval: recorded on their behalf, as them.
    assert response.status_code == 302
    signoff = SignOff.objects.get()
    assert (signoff.signer, signoff.on_paper) == (people["cfo"], True)
    assert signoff.recorded_by == people["monitoring_officer"]
    # The panel member is not offered, and cannot be chosen, as the Commissioner.
    refused = record_on_paper(
        monitoring_officer_client,
        submitted,
        "approve",
        signer=people["panel"].pk,
        password=password,
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    # And the officer approver cannot be recorded as taking the decision either.
    commissioner_too = people["cfo"]
    commissioner_too.groups.add(*people["commissioner"].groups.all())
    refused = record_on_paper(
        monitoring_officer_client,
        submitted,
        "approve",
        signer=commissioner_too.pk,
        password=password,
    )
    assert "You gave the officer approval" in refused.content.decode()
    assert SignOff.objects.count() == 1


def test_recording_needs_the_recorders_own_password(submitted, monitoring_officer_client, people):
    response = record_on_paper(
        monitoring_officer_client,
        submitted,
        "officer_approve",
        signer=people["chief_executive"].pk,
        password="a guess",
    )
    assert response.status_code == 200
    assert workflow.WRONG_PASSWORD in response.content.decode()
    assert not SignOff.objects.exists()


def test_only_a_role_allowed_to_record_may_record(submitted, client, people, password):
    client.force_login(people["commissioner"])
    response = record_on_paper(
        client,
        submitted,
        "officer_approve",
        signer=people["chief_executive"].pk,
        password=password,
    )
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_a_recorder_cannot_take_a_record_to_published_alone(
    submitted, monitoring_officer_client, people, password
):
    """The reported path, end to end: every paper step needs a distinct eligible
    signer, and the recorder's own online signature is one step at most."""
    client = monitoring_officer_client
    assert (
        record_on_paper(
            client, submitted, "officer_approve", name="Jo Bloggs", title="CEO", password=password
        ).status_code
        == 302
    )
    # Recording the decision as the same invented person is refused (above); as the
    # Monitoring Officer themselves (not a Commissioner), it is not offered.
    mo = people["monitoring_officer"]
    response = record_on_paper(client, submitted, "approve", signer=mo.pk, password=password)
    assert "Select a valid choice" in response.content.decode()
    assert Decision.objects.get(pk=submitted.pk).status == DecisionStatus.AWAITING_DECISION


def test_the_organisation_settings_say_who_may_record(
    submitted, client, people, password, organisation
):
    organisation.paper_recorder_roles = [Role.CHIEF_FINANCE_OFFICER.value]
    organisation.save()
    client.force_login(people["monitoring_officer"])
    url = f"/staff/decisions/{submitted.pk}/paper/officer_approve/"
    assert client.get(url).status_code == 403
    client.force_login(people["cfo"])
    assert client.get(url).status_code == 200
    response = record_on_paper(
        client,
        submitted,
        "officer_approve",
        signer=people["chief_executive"].pk,
        password=password,
    )
    assert response.status_code == 302
    assert SignOff.objects.get().recorded_by == people["cfo"]


def test_a_script_cannot_record_a_signer_without_the_steps_role(submitted, people, password):
    """The form offers only the step's role holders; the table refuses anyone else on
    every path, a script's included."""
    from datetime import date

    from django.core.exceptions import ValidationError

    from decisions import services
    from decisions.signing import PaperSignature

    panel = people["panel"]
    with pytest.raises(ValidationError) as refused:
        services.decision_transition(
            decision=submitted,
            by=people["monitoring_officer"],
            action="officer_approve",
            password=password,
            code=signing_code(people["monitoring_officer"]),
            paper=PaperSignature(
                name="", title="", signed_on=date(2016, 8, 10), scan=scan(), signer=panel
            ),
        )
    assert refused.value.messages == [
        workflow.PAPER_SIGNER_WITHOUT_ROLE.format(
            name=panel, roles="Chief Executive or Chief Finance Officer"
        )
    ]
    assert not SignOff.objects.exists()
