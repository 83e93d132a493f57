"""The letters of a decided round: prepared from the allocations, the panel's
recommendations and the reviews; edited until sent; sent as a PDF by e-mail; shown on
the staff pages."""

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from grants import letters
from grants.models import GrantRound, Letter, LetterKind, RoundStatus
from pcc_grants.models import OrganisationSettings
from pcc_grants.roles import Role
from tests.factories import UserFactory

from .letters_world import AWARD, CONDITIONS, RETURNS_DUE, decided_round

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def cfo(db):
    return UserFactory(username="grants-cfo", roles=[Role.CHIEF_FINANCE_OFFICER])


@pytest.fixture
def world(officer, stream, theme, cfo):
    return decided_round(officer, stream, theme, cfo)


@pytest.fixture
def prepared(world, officer):
    written = letters.letters_prepare(grant_round=world.grant_round, by=officer)
    return {letter.kind: letter for letter in written}


def test_an_offer_for_the_award_and_an_outcome_letter_for_the_unsuccessful_application(
    world, prepared
):
    assert Letter.objects.count() == 2  # none for the application screened out
    offer, outcome = prepared[LetterKind.OFFER], prepared[LetterKind.OUTCOME]
    assert offer.application == world.awarded
    assert offer.amount == AWARD
    assert (offer.period_start.isoformat(), offer.period_end.isoformat()) == (
        "2026-07-01",
        "2027-03-31",
    )
    assert offer.conditions == CONDITIONS
    assert offer.returns_due == RETURNS_DUE
    # The letter's text comes from the organisation's template, its placeholders filled.
    office = OrganisationSettings.load().name
    assert offer.body.startswith("Dear Ann Applicant,")
    assert "a grant of £8,000 to Living Without Abuse" in offer.body
    assert "for the period 1 July 2026 to 31 March 2027" in offer.body
    assert CONDITIONS in offer.body
    assert "30 October 2026, 30 January 2027, 30 April 2027" in offer.body
    assert offer.body.rstrip().endswith(office)
    assert "{" not in offer.body
    assert "The grant of £8,000 is used only for the project" in offer.terms
    assert offer.terms_sha256 == letters.sha256(offer.terms)
    assert not offer.is_sent and offer.sha256 == ""

    assert outcome.application == world.unsuccessful
    assert outcome.body.startswith("Dear Olga Other,")
    assert outcome.amount is None and outcome.terms == ""


def test_the_outcome_letter_s_feedback_is_the_counted_reviews_comments_without_names(
    world, prepared
):
    feedback = prepared[LetterKind.OUTCOME].feedback
    assert feedback == (
        "Reviewer 1:\nThe need is real but the plan is thin.\n"
        "Need and evidence: Little local evidence.\n"
        "Value for money: Costs per person are high.\n\n"
        "Reviewer 2:\nPartnerships are not yet in place.\n"
        "Outcomes for victims: Outcomes are not measurable."
    )
    # the conflicted reviewer's words are not there, nor anyone's name
    assert "trustee" not in feedback
    for name in world.reviewer_names:
        assert name not in feedback
        assert name not in prepared[LetterKind.OUTCOME].body
    assert feedback in prepared[LetterKind.OUTCOME].body


def test_preparing_again_writes_no_second_letter_of_a_kind(world, prepared, officer):
    assert letters.letters_prepare(grant_round=world.grant_round, by=officer) == []
    assert Letter.objects.count() == 2


@pytest.mark.parametrize("status", [RoundStatus.IN_REVIEW, RoundStatus.CLOSED])
def test_letters_wait_for_the_round_s_decision(world, officer, status):
    GrantRound.objects.filter(pk=world.grant_round.pk).update(status=status)
    with pytest.raises(ValidationError, match="written once it is decided"):
        letters.letters_prepare(grant_round=world.grant_round, by=officer)
    assert not Letter.objects.exists()


def test_only_editors_write_letters(world, make_user):
    for role in (Role.CHIEF_EXECUTIVE, Role.PANEL_MEMBER, Role.APPLICANT):
        with pytest.raises(ValidationError, match="Only the Officer or Chief Finance Officer"):
            letters.letters_prepare(grant_round=world.grant_round, by=make_user(role))
    assert not Letter.objects.exists()


def test_changing_the_feedback_writes_the_letter_again(prepared, officer):
    outcome = letters.letter_update(
        letter=prepared[LetterKind.OUTCOME], by=officer, feedback="Show local evidence."
    )
    outcome.refresh_from_db()
    assert outcome.feedback == "Show local evidence."
    assert "The reviewers' feedback:\nShow local evidence.\n" in outcome.body


def test_an_offer_s_new_conditions_are_written_into_it_and_its_terms_hash_follows_the_terms(
    prepared, officer
):
    offer = prepared[LetterKind.OFFER]
    before = offer.terms_sha256
    offer = letters.letter_update(letter=offer, by=officer, conditions="Report monthly.")
    assert "Report monthly." in offer.body
    assert offer.terms_sha256 == letters.sha256(offer.terms)  # the default terms: same
    assert offer.terms_sha256 == before


def test_sending_fixes_the_letter_and_e_mails_every_member_the_pdf(
    world, prepared, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = letters.letter_send(letter=prepared[LetterKind.OFFER], by=officer)
    offer.refresh_from_db()
    assert offer.sent_at is not None
    assert offer.sha256 == letters.sha256(letters.letter_text(offer))
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ann@livingwithoutabuse.example",
        "carl@livingwithoutabuse.example",
    ]
    message = mail.outbox[0]
    assert world.awarded.reference in message.subject
    assert offer.sha256 in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == f"{world.awarded.reference}-offer-letter.pdf"
    assert mimetype == "application/pdf"
    text = pdf_text(content)
    assert OrganisationSettings.load().name in text
    assert world.awarded.reference in text
    assert offer.sent_at.strftime("%-d %B %Y") in text
    assert "£8,000" in text and "30 October 2026" in text and "30 April 2027" in text
    assert "Terms of the offer" in text and "Money not spent on the project" in text


def test_a_sent_letter_cannot_change_nor_be_sent_again(prepared, officer, client):
    outcome = letters.letter_send(letter=prepared[LetterKind.OUTCOME], by=officer)
    before = Letter.objects.values().get(pk=outcome.pk)
    with pytest.raises(ValidationError, match="cannot be changed"):
        letters.letter_update(letter=outcome, by=officer, feedback="Something else.")
    with pytest.raises(ValidationError, match="cannot be changed"):
        letters.letter_send(letter=outcome, by=officer)
    client.force_login(officer)
    response = client.post(
        f"/staff/rounds/letters/{outcome.pk}/", {"feedback": "Changed", "body": "Changed"}
    )
    assert response.status_code == 403
    assert Letter.objects.values().get(pk=outcome.pk) == before


def test_the_pdf_escapes_what_staff_typed(prepared, officer, client):
    outcome = letters.letter_update(
        letter=prepared[LetterKind.OUTCOME],
        by=officer,
        feedback="<script>alert('x')</script> & <b>bold</b>",
    )
    client.force_login(officer)
    response = client.get(f"/staff/rounds/letters/{outcome.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "<script>alert('x')</script> & <b>bold</b>" in text
    assert "Not sent yet" in text
    edit = client.get(f"/staff/rounds/letters/{outcome.pk}/").content.decode()
    assert "<script>alert" not in edit
    assert "&lt;script&gt;alert" in edit


def test_staff_prepare_edit_and_send_from_the_letters_page(
    world, officer, client, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    round_page = client.get(f"/staff/rounds/{world.grant_round.pk}/").content.decode()
    assert f"/staff/rounds/{world.grant_round.pk}/letters/" in round_page
    url = f"/staff/rounds/{world.grant_round.pk}/letters/"
    assert "Prepare the letters" in client.get(url).content.decode()
    response = client.post(url, {"action": "prepare"}, follow=True)
    page = response.content.decode()
    assert "2 letters written." in page
    assert world.awarded.reference in page and world.unsuccessful.reference in page
    assert world.ineligible.reference not in page
    outcome = Letter.objects.get(kind=LetterKind.OUTCOME)
    edit = client.get(f"/staff/rounds/letters/{outcome.pk}/").content.decode()
    assert "Reviewer 1:" in edit and 'name="conditions"' not in edit
    response = client.post(
        f"/staff/rounds/letters/{outcome.pk}/",
        {"feedback": "Tell us more about local need.", "body": outcome.body},
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert "Tell us more about local need." in outcome.body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send_all"}, follow=True)
    assert "2 letters sent." in response.content.decode()
    assert Letter.objects.filter(sent_at__isnull=True).count() == 0
    assert len(mail.outbox) == 3  # two members of one organisation, one of the other


def test_a_letter_of_another_round_is_not_sent_from_this_round_s_page(
    world, prepared, officer, client, stream
):
    from .conftest import open_a_round

    other = open_a_round(officer, stream, name="Another round")
    client.force_login(officer)
    letter = prepared[LetterKind.OFFER]
    response = client.post(
        f"/staff/rounds/{other.pk}/letters/", {"action": "send", "letter": letter.pk}
    )
    assert response.status_code == 404
    letter.refresh_from_db()
    assert letter.sent_at is None


def test_staff_who_only_read_see_the_letters_but_cannot_send_them(
    world, prepared, client, make_user
):
    client.force_login(make_user(Role.CHIEF_EXECUTIVE))
    url = f"/staff/rounds/{world.grant_round.pk}/letters/"
    page = client.get(url).content.decode()
    assert world.awarded.reference in page and "Prepare the letters" not in page
    assert client.post(url, {"action": "send_all"}).status_code == 403
    assert not Letter.objects.filter(sent_at__isnull=False).exists()


def test_the_letter_templates_are_edited_in_the_organisation_settings(client, make_user):
    from pcc_grants.models import OrganisationSettings as Settings

    settings_record = Settings.load()
    settings_record.save()
    client.force_login(make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    page = client.get(
        f"/admin/pcc_grants/organisationsettings/{settings_record.pk}/change/"
    ).content.decode()
    assert "Grant rounds&#x27; letters" in page or "Grant rounds' letters" in page
    for field in ("offer_letter_template", "offer_terms_template", "outcome_letter_template"):
        assert f'name="{field}"' in page
