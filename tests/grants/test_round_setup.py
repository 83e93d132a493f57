"""Setting up a round through its page: the fields, the four lists of rows (added
without JavaScript), the weights added up, and opening it only when they make 100 %."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants import services
from grants.models import GrantRound, RoundStatus
from pcc_grants.roles import Role
from tests.factories import FundingStreamFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("grants:round_new")


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "100",
    }


def round_post(stream, *, weights=("40", "35", "25"), **changes) -> dict:
    data = {
        "funding_stream": str(stream.pk),
        "name": "Community Safety Grant 2026/27",
        "summary": "Up to £10,000 for community safety projects.",
        "guidance": "Projects must reduce crime or support victims in the county.",
        "budget": "£50,000",
        "opens_on": "2026-04-01",
        "opens_time": "09:00",
        "closes_on": "2099-06-30",
        "closes_time": "17:00",
        "minimum_award": "500",
        "maximum_award": "10,000",
        "score_scale": "5",
        "score_descriptors": "0: No evidence\n1: Poor\nWeak\n3: Adequate\n4: Good\n5: Excellent",
        "reviews_required": "3",
        "spread_threshold": "15",
        "monitoring_frequency": "twice_yearly",
        "reference_prefix": "ccg",
        **management("criteria", len(weights)),
        **management("eligibility", 2),
        **management("questions", 1),
        **management("documents", 1),
        "eligibility-0-text": "We are a not-for-profit organisation.",
        "eligibility-0-kind": "confirm",
        "eligibility-1-text": "Do you already hold a grant from this office?",
        "eligibility-1-kind": "yes_no",
        "eligibility-1-excluding_answer": "yes",
        "questions-0-section": "About your project",
        "questions-0-text": "What will the project do?",
        "questions-0-kind": "text",
        "questions-0-word_limit": "250",
        "questions-0-required": "on",
        "documents-0-name": "Latest accounts",
        "documents-0-required": "on",
    }
    names = ("Need and evidence", "Outcomes for victims", "Value for money")
    for index, weight in enumerate(weights):
        data[f"criteria-{index}-name"] = names[index % 3] + ("" if index < 3 else f" {index}")
        data[f"criteria-{index}-weight_percent"] = weight
    data.update(changes)
    return data


@pytest.fixture
def stream(db):
    return FundingStreamFactory(budget=Decimal("100000"), financial_year__start_year=2026)


@pytest.fixture
def officer_client(client, organisation):
    client.force_login(UserFactory(username="round-officer", roles=[Role.OFFICER]))
    return client


def test_an_officer_sets_up_a_round_with_its_lists_through_the_form(officer_client, stream):
    response = officer_client.post(NEW, round_post(stream))

    grant_round = GrantRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == grant_round.get_absolute_url()
    assert grant_round.status == RoundStatus.DRAFT
    assert grant_round.budget == Decimal("50000.00")
    assert grant_round.maximum_award == Decimal("10000.00")
    assert grant_round.reference_prefix == "CCG"
    # 09:00 on 1 April is British Summer Time: 08:00 UTC.
    assert grant_round.opens_at.isoformat() == "2026-04-01T08:00:00+00:00"
    assert [(c.name, c.weight_percent) for c in grant_round.criteria.all()] == [
        ("Need and evidence", Decimal("40.00")),
        ("Outcomes for victims", Decimal("35.00")),
        ("Value for money", Decimal("25.00")),
    ]
    assert [(q.kind, q.excluding_answer) for q in grant_round.eligibility_questions.all()] == [
        ("confirm", ""),
        ("yes_no", "yes"),
    ]
    question = grant_round.questions.get()
    assert (question.text, question.word_limit, question.required) == (
        "What will the project do?",
        250,
        True,
    )
    assert grant_round.required_documents.get().name == "Latest accounts"
    # The review's settings, and a line without a number taking the next point.
    assert (grant_round.reviews_required, grant_round.spread_threshold) == (3, Decimal("15"))
    assert grant_round.monitoring_frequency == "twice_yearly"
    assert [(d.score, d.descriptor) for d in grant_round.score_descriptors.all()] == [
        (0, "No evidence"),
        (1, "Poor"),
        (2, "Weak"),
        (3, "Adequate"),
        (4, "Good"),
        (5, "Excellent"),
    ]

    page = officer_client.get(grant_round.get_absolute_url()).content.decode()
    assert "<li>2: Weak</li>" in page
    assert "3; a spread of more than 15 points is flagged" in page
    assert "The weights add up to 100 %." in page
    assert "Open the round</button>" in page


def test_a_score_described_above_the_scale_or_twice_is_refused_naming_the_line(
    officer_client, stream
):
    response = officer_client.post(
        NEW, round_post(stream, score_descriptors="0: None\n6: Too high")
    )
    assert "Score 6 is above the scale, which goes to 5" in response.content.decode()
    response = officer_client.post(NEW, round_post(stream, score_descriptors="1: Poor\n1: Weak"))
    assert "Line 2: score 1 is described twice" in response.content.decode()
    assert not GrantRound.objects.exists()


def test_weights_that_do_not_make_100_are_shown_and_the_round_is_refused_opening(
    officer_client, stream
):
    officer_client.post(NEW, round_post(stream, weights=("40", "35")))
    grant_round = GrantRound.objects.get()

    page = officer_client.get(grant_round.get_absolute_url()).content.decode()
    assert "The weights add up to 75 %, not 100 %: the round cannot open until they do." in page
    assert "The criteria&#x27;s weights add up to 75 %, not 100 %." in page  # why not opened
    assert "Open the round</button>" not in page

    response = officer_client.post(
        reverse("grants:round_act", args=[grant_round.pk, "open"]), follow=True
    )
    assert "Open the round: The criteria&#x27;s weights add up to 75 %, not 100 %." in (
        response.content.decode()
    )
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.DRAFT
    assert not grant_round.events.exists()

    edit = reverse("grants:round_edit", args=[grant_round.pk])
    form = officer_client.get(edit).content.decode()
    assert 'value="Need and evidence"' in form
    assert "The weights add up to 75 %, not 100 %" in form
    officer_client.post(edit, round_post(stream, weights=("40", "35", "25")))
    response = officer_client.post(
        reverse("grants:round_act", args=[grant_round.pk, "open"]), follow=True
    )
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.OPEN
    assert "Open the round: done." in response.content.decode()
    assert [e.label for e in grant_round.events.all()] == ["Open the round"]


def test_add_a_row_shows_the_form_again_with_what_was_typed_and_saves_nothing(
    officer_client, stream
):
    data = round_post(stream, weights=("60",), add_row="criteria")
    data["documents-0-DELETE"] = "on"
    response = officer_client.post(NEW, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert not GrantRound.objects.exists()
    assert 'value="Need and evidence"' in page
    assert 'name="criteria-TOTAL_FORMS" value="2"' in page  # the row typed and a new one
    assert 'name="criteria-1-name"' in page
    assert 'value="Latest accounts"' not in page  # marked for removal
    assert "The weights add up to 60 %, not 100 %" in page
    assert "There is a problem" not in page


def test_every_refusal_names_its_field_or_row(officer_client, stream):
    data = round_post(stream, weights=("40", "abc", ""))
    data.update(
        {
            "criteria-2-name": "",
            "criteria-2-description": "Something",
            "eligibility-1-excluding_answer": "",
            "questions-0-kind": "money",
            "closes_on": "2026-03-01",
            "maximum_award": "60000",
            "opens_time": "",
        }
    )
    response = officer_client.post(NEW, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert not GrantRound.objects.exists()
    for message in (
        "Criterion 2: enter the weight as a number of per cent, like 25",
        "Criterion 3: enter the criterion&#x27;s name",
        "Criterion 3: enter the weight, for example 25 (%)",
        "Eligibility question 2: choose the answer (yes or no) that makes the applicant "
        "ineligible",
        "Question 1: a word limit is for a text answer only",
        "Enter the opening time as hours and minutes, for example 09:00",
        "The maximum award cannot be more than the budget",
    ):
        assert message in page
    assert 'href="#id_criteria-1-weight_percent"' in page


def test_a_staff_member_who_is_not_an_editor_cannot_set_up_or_open_a_round(
    client, organisation, stream
):
    officer = UserFactory(username="officer-b", roles=[Role.OFFICER])
    grant_round = services.round_create(
        by=officer,
        funding_stream=stream,
        name="Round",
        guidance="Guidance",
        budget=Decimal("1000"),
        maximum_award=Decimal("500"),
        criteria=[{"name": "Need", "weight_percent": Decimal("100")}],
    )
    client.force_login(UserFactory(username="chief-exec", roles=[Role.CHIEF_EXECUTIVE]))

    assert client.get(NEW).status_code == 403
    assert client.post(NEW, round_post(stream)).status_code == 403
    opened = client.post(reverse("grants:round_act", args=[grant_round.pk, "open"]))
    assert opened.status_code == 403
    assert "Only the Chief Finance Officer or Officer can set up and run grant rounds." in (
        opened.content.decode()
    )
    page = client.get(grant_round.get_absolute_url()).content.decode()
    assert "Open the round</button>" not in page
    assert "Edit the round" not in page
    assert GrantRound.objects.count() == 1
    grant_round.refresh_from_db()
    assert grant_round.status == RoundStatus.DRAFT
    assert not grant_round.events.exists()


def test_an_open_round_cannot_be_edited_and_the_refusal_says_why(officer_client, open_round):
    response = officer_client.get(reverse("grants:round_edit", args=[open_round.pk]))

    assert response.status_code == 403
    assert "The round is open: its questions and limits are fixed once it opens." in (
        response.content.decode()
    )


def test_only_streams_of_open_years_are_offered(officer_client, stream):
    closed = FundingStreamFactory(name="Old money", financial_year__start_year=2015)
    closed.financial_year.is_closed = True
    closed.financial_year.save()

    page = officer_client.get(NEW).content.decode()
    assert f'<option value="{stream.pk}">' in page
    assert "Old money" not in page
    response = officer_client.post(NEW, round_post(closed))
    assert "Choose a funding stream of a year that is open" in response.content.decode()
    assert not GrantRound.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("criteria-0-weight_percent", "1e5", "Criterion 1: enter a weight of at most 100 %"),
        ("criteria-0-weight_percent", "0", "Criterion 1: enter a weight above 0 %"),
        ("criteria-0-name", "x" * 201, "Criterion 1: keep the name to 200 characters or fewer"),
        ("eligibility-0-kind", "bogus", "Eligibility question 1: choose the kind of question"),
        ("questions-0-word_limit", "-1", "Question 1: enter a word limit of at least 1"),
        ("opens_on", "2026-02-30", "Enter the opening date as a real date, like 1 April 2026"),
        ("opens_time", "25:61", "Enter the opening time as hours and minutes, like 09:00"),
        ("reference_prefix", "PC-G", "Use only letters and digits for the reference prefix"),
        ("name", "x" * 201, "Keep the name of the round to 200 characters or fewer"),
        ("funding_stream", "²", "Choose a funding stream of a year that is open"),
        ("budget", "1e400", "Enter an amount in pounds, such as £9,400 or 9400.00."),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    officer_client, stream, field, value, message
):
    response = officer_client.post(NEW, round_post(stream, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GrantRound.objects.exists()
