"""Importing a past or paper round from a workbook (docs/grants.md, "Importing a past
round"): what one import makes, every refusal by sheet, row and column with nothing
saved, the command and the page."""

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.timezone import localtime
from openpyxl import Workbook, load_workbook

from commissioning.models import Provider
from funding import services as funding_services
from grants.importing import round_import
from grants.models import (
    Application,
    Criterion,
    GrantRound,
    Organisation,
    Review,
    Reviewer,
    ReviewEvent,
    Score,
    canonical_sha256,
    review_content,
)
from grants.ranking import rank
from pcc_grants.roles import Role
from tests.factories import FundingStreamFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUND = [
    ["field", "value"],
    ["name", "PCC Grant 2013/14"],
    ["funding_stream", "Community Safety Fund"],
    ["financial_year", "2013/14"],
    ["budget", 92943],
    ["opens", datetime(2013, 7, 1)],
    ["closes", "26/07/2013"],
    ["minimum_award", 500],
    ["maximum_award", "£10,000"],
    ["score_scale", 5],
]
CRITERIA = [
    ["Criterion", "Weight percent"],
    ["Need", 40],
    ["Impact", 35],
    ["Value for money", 25],
]
APPLICATIONS = [
    [
        "reference",
        "organisation",
        "charity_number",
        "company_number",
        "title",
        "amount_requested",
        "theme",
        "submitted_at",
        "eligible",
    ],
    [
        "PCCG-2013-001",
        "Living Without Abuse",
        "1155789",
        None,
        "Helpline",
        9000,
        "Victims and witnesses",
        datetime(2013, 7, 2, 14, 30),
        "yes",
    ],
    [
        "PCCG-2013-002",
        "Leicester Warriors CIC",
        None,
        "08123456",
        "Boxing club",
        "5,000",
        "Young people",
        "2013-07-03",
        "Yes",
    ],
    ["PCCG-2013-003", "Loughborough Cafe", None, None, "Cafe", 3000, None, "2013-07-04", "no"],
]
REVIEW_HEADER = [
    "application",
    "reviewer_email",
    "reviewer_name",
    "reviewer_organisation",
    "conflict",
    "recommendation",
    "comment",
    "NEED",
    "impact",
    "Value for money",
]
REVIEWS = [
    REVIEW_HEADER,
    # row 2
    ["PCCG-2013-001", "Jo.Reviewer@Example.org", "Jo Reviewer", "Leicestershire County Council",
     "no", "fund", "Strong evidence.", 4, 5, 3],
    # row 3
    ["PCCG-2013-002", "jo.reviewer@example.org", "Jo Reviewer", "Leicestershire County Council",
     "no", "Fund in part", "", 3, 3, 2],
    # row 4
    ["PCCG-2013-001", "sam@warriors.example", "Sam Smith", "Leicester Warriors CIC",
     "no", "do not fund", "", 2, 2, 2],
    # row 5: Sam's own organisation, declared
    ["PCCG-2013-002", "sam@warriors.example", "Sam Smith", "Leicester Warriors CIC",
     "yes", None, "I coach there.", None, None, None],
]  # fmt: skip


def workbook(**sheets) -> bytes:
    """The example workbook, with any sheet given replaced (None leaves it out)."""
    given = {
        "round": ROUND,
        "criteria": CRITERIA,
        "applications": APPLICATIONS,
        "reviews": REVIEWS,
    }
    given.update(sheets)
    book = Workbook()
    book.remove(book.active)
    for name, rows in given.items():
        if rows is None:
            continue
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def changed(rows, row: int, column: str | int, value) -> list:
    """``rows`` with one cell changed: the spreadsheet's row number, and the column by
    its header (or for the round sheet, the field's row and value)."""
    copy = [list(r) for r in rows]
    index = column if isinstance(column, int) else [str(c).lower() for c in copy[0]].index(column)
    copy[row - 1][index] = value
    return copy


@pytest.fixture
def stream(db):
    year = funding_services.financial_year_get_or_create(start_year=2013)
    return FundingStreamFactory(
        financial_year=year, name="Community Safety Fund", budget=Decimal("100000")
    )


def counts() -> dict:
    return {
        "rounds": GrantRound.objects.count(),
        "criteria": Criterion.objects.count(),
        "applications": Application.objects.count(),
        "organisations": Organisation.objects.count(),
        "reviews": Review.objects.count(),
        "scores": Score.objects.count(),
        "users": get_user_model().objects.count(),
        "providers": Provider.objects.count(),
        "reviewers": Reviewer.objects.count(),
    }


def assert_refused(content: bytes, sheet: str, row, column: str, message: str):
    before = counts()
    summary = round_import(content=content)
    assert not summary.saved and not summary.ok
    where = [(p.sheet, p.row, p.column) for p in summary.problems]
    assert (sheet, row, column) in where, summary.problems
    problem = summary.problems[where.index((sheet, row, column))]
    assert message in problem.message, problem
    assert counts() == before
    return problem


# What one import makes --------------------------------------------------------------


def test_a_workbook_imports_the_round_its_applications_reviewers_and_reviews(stream):
    existing = ProviderFactory(name="Living Without Abuse Ltd", charity_number="1155789")
    staff = UserFactory(username="officer", roles=[Role.OFFICER])
    summary = round_import(content=workbook(), by=staff, source="paper-round.xlsx")

    assert summary.ok and summary.saved and not summary.dry_run, summary.problems
    assert summary.created == {
        "rounds": 1,
        "criteria": 3,
        "organisations": 3,
        "providers": 2,
        "themes": 2,
        "applications": 3,
        "reviewers": 2,
        "reviews": 4,
        "scores": 9,
    }
    grant_round = GrantRound.objects.get()
    assert (grant_round.name, grant_round.status, grant_round.imported) == (
        "PCC Grant 2013/14",
        "in_review",
        True,
    )
    assert grant_round.funding_stream == stream
    assert grant_round.budget == Decimal("92943.00")
    assert grant_round.maximum_award == Decimal("10000.00")
    assert grant_round.score_scale == 5 and grant_round.reference_prefix == "PCCG"
    assert localtime(grant_round.opens_at).isoformat() == "2013-07-01T00:00:00+01:00"
    assert localtime(grant_round.closes_at).isoformat() == "2013-07-26T23:59:00+01:00"
    assert grant_round.events.get().reason == "Imported from paper-round.xlsx."
    assert [(c.position, c.name, c.weight_percent) for c in grant_round.criteria.all()] == [
        (1, "Need", Decimal("40.00")),
        (2, "Impact", Decimal("35.00")),
        (3, "Value for money", Decimal("25.00")),
    ]

    first, second, third = Application.objects.order_by("reference")
    # matched to the office's provider by its charity number; the others are new
    assert first.organisation.provider == existing
    assert second.organisation.provider.company_number == "08123456"
    assert third.organisation.provider.name == "Loughborough Cafe"
    assert localtime(first.submitted_at).isoformat() == "2013-07-02T14:30:00+01:00"
    assert (first.status, first.imported, first.created_by) == ("submitted", True, staff)
    assert first.amount_requested == Decimal("9000.00") and first.title == "Helpline"
    assert first.theme.name == "Victims and witnesses"
    assert first.content_sha256 == canonical_sha256(first.content)
    assert first.content["organisation"]["charity_number"] == "1155789"
    # the ineligible one is kept, screened out
    assert [a.screening for a in (first, second, third)] == ["eligible", "eligible", "ineligible"]

    jo = Reviewer.objects.get(user__email="jo.reviewer@example.org")
    assert jo.external and jo.organisation == "Leicestershire County Council"
    assert not jo.user.has_usable_password()
    assert list(jo.user.groups.values_list("name", flat=True)) == [Role.REVIEWER.value]
    assert jo.user.get_full_name() == "Jo Reviewer"

    review = Review.objects.get(application=first, reviewer=jo)
    assert (review.status, review.declaration, review.imported) == (
        "submitted",
        "no_conflict",
        True,
    )
    assert review.recommendation == "fund" and review.comment == "Strong evidence."
    assert [(s.criterion.name, s.score) for s in review.scores.all()] == [
        ("Need", 4),
        ("Impact", 5),
        ("Value for money", 3),
    ]
    assert review.content == review_content(review, review.scores.all())
    assert review.content_sha256 == canonical_sha256(review.content)
    event = ReviewEvent.objects.get(review=review)
    assert (event.label, event.by, event.content_sha256) == (
        "Imported",
        staff,
        review.content_sha256,
    )
    assert Review.objects.get(application=second, reviewer=jo).recommendation == "fund_in_part"

    conflicted = Review.objects.get(
        application=second, reviewer__user__email="sam@warriors.example"
    )
    assert (conflicted.status, conflicted.declaration) == ("conflicted", "conflict")
    assert conflicted.conflict_nature == "I coach there."
    assert conflicted.automatic_conflict and not conflicted.scores.exists()
    assert not conflicted.counts


def test_without_a_person_the_import_is_made_by_an_account_that_cannot_sign_in(stream):
    summary = round_import(content=workbook())
    assert summary.saved, summary.problems
    user = Application.objects.first().created_by
    assert user.username == "imported-records"
    assert not user.is_active and not user.has_usable_password()
    assert not user.groups.exists()
    # a second import uses the same account
    second = changed(ROUND, 2, 1, "PCC Grant 2014/15")
    second = changed(changed(second, 5, 1, 7000), 9, 1, 7000)  # what the stream has left
    references = [
        [row[0].replace("2013", "2014"), *row[1:]] if n else row
        for n, row in enumerate(APPLICATIONS)
    ]
    reviews = [
        [row[0].replace("2013", "2014"), *row[1:]] if n else row for n, row in enumerate(REVIEWS)
    ]
    assert round_import(
        content=workbook(round=second, applications=references, reviews=reviews)
    ).saved
    assert get_user_model().objects.filter(username="imported-records").count() == 1
    assert Reviewer.objects.count() == 2  # matched by their e-mail addresses


def test_blank_conflicts_are_no_and_columns_without_a_header_are_not_read(stream):
    reviews = [[*row, None, "a note" if n else None] for n, row in enumerate(REVIEWS)]
    reviews = changed(reviews, 2, "conflict", None)
    summary = round_import(content=workbook(reviews=reviews))
    assert summary.saved, summary.problems
    review = Review.objects.get(
        application__reference="PCCG-2013-001", reviewer__user__email="jo.reviewer@example.org"
    )
    assert review.declaration == "no_conflict" and review.scores.count() == 3


def test_a_dry_run_reports_what_it_would_make_and_saves_nothing(stream):
    before = counts()
    summary = round_import(content=workbook(), dry_run=True)
    assert summary.ok and summary.dry_run and not summary.saved
    assert summary.created["applications"] == 3 and summary.created["reviews"] == 4
    assert counts() == before


# Every refusal, by sheet, row and column, with nothing saved --------------------------


def test_a_missing_sheet_is_refused(stream):
    assert_refused(workbook(reviews=None), "reviews", None, "", "no sheet “reviews”")


def test_a_missing_column_is_refused(stream):
    applications = [row[:-1] for row in APPLICATIONS]
    assert_refused(
        workbook(applications=applications), "applications", 1, "eligible", "“eligible” is missing"
    )


def test_a_missing_round_field_is_refused(stream):
    assert_refused(workbook(round=ROUND[:-1]), "round", 1, "field", "“score_scale” is missing")


def test_weights_not_adding_up_to_100_are_refused_naming_the_total(stream):
    criteria = changed(CRITERIA, 4, 1, 15)
    assert_refused(workbook(criteria=criteria), "criteria", 4, "weight_percent", "add up to 90 %")


def test_a_score_above_the_scale_is_refused(stream):
    reviews = changed(REVIEWS, 3, "impact", 6)
    problem = assert_refused(
        workbook(reviews=reviews), "reviews", 3, "impact", "Score 6 is above the scale of 5."
    )
    assert str(problem) == (
        "sheet 'reviews', row 3, column 'impact': Score 6 is above the scale of 5."
    )


def test_a_score_that_is_not_a_whole_number_is_refused(stream):
    reviews = changed(REVIEWS, 2, "need", 3.5)
    assert_refused(workbook(reviews=reviews), "reviews", 2, "need", "not a whole number")


def test_scores_on_a_review_with_a_conflict_are_refused(stream):
    reviews = changed(REVIEWS, 5, "value for money", 3)
    assert_refused(
        workbook(reviews=reviews), "reviews", 5, "value_for_money", "leave every score blank"
    )


def test_an_undeclared_conflict_with_the_reviewers_own_organisation_is_refused(stream):
    # Sam is from Leicester Warriors CIC, written another way, and declares nothing
    reviews = changed(REVIEWS, 5, "conflict", "no")
    reviews = changed(reviews, 5, "reviewer_organisation", "the LEICESTER  Warriors CIC.")
    reviews = changed(reviews, 5, "recommendation", "fund")
    for column in ("need", "impact", "value for money"):
        reviews = changed(reviews, 5, column, 5)
    assert_refused(workbook(reviews=reviews), "reviews", 5, "conflict", "enter conflict yes")


def test_a_review_of_an_application_not_in_the_applications_sheet_is_refused(stream):
    reviews = changed(REVIEWS, 4, "application", "PCCG-2013-099")
    assert_refused(
        workbook(reviews=reviews), "reviews", 4, "application", "no application “PCCG-2013-099”"
    )


def test_a_bad_date_is_refused(stream):
    applications = changed(APPLICATIONS, 3, "submitted_at", "31/02/2013")
    assert_refused(
        workbook(applications=applications), "applications", 3, "submitted_at", "real date"
    )


def test_a_bad_date_of_the_round_is_refused_on_the_row_of_its_field(stream):
    assert_refused(
        workbook(round=changed(ROUND, 6, 1, "the first of July")),
        "round",
        6,
        "value",
        "opens: Enter a real date",
    )


def test_a_bad_amount_is_refused(stream):
    applications = changed(APPLICATIONS, 2, "amount_requested", "nine thousand")
    assert_refused(
        workbook(applications=applications),
        "applications",
        2,
        "amount_requested",
        "Enter an amount in pounds, such as £9,400 or 9400.00.",
    )


def test_an_unknown_funding_stream_is_refused(stream):
    assert_refused(
        workbook(round=changed(ROUND, 4, 1, "2014/15")),
        "round",
        3,
        "value",
        "There is no funding stream “Community Safety Fund” in 2014/15.",
    )


def test_a_duplicate_application_reference_is_refused(stream):
    applications = changed(APPLICATIONS, 4, "reference", "PCCG-2013-002")
    assert_refused(
        workbook(applications=applications), "applications", 4, "reference", "already on row 3"
    )


def test_a_reference_already_recorded_is_refused(stream):
    assert round_import(content=workbook()).saved
    second = changed(ROUND, 2, 1, "Another round")
    assert_refused(workbook(round=second), "applications", 2, "reference", "already recorded")


def test_a_column_that_is_no_criterion_is_refused(stream):
    reviews = [[*row, "Innovation" if n == 0 else 3] for n, row in enumerate(REVIEWS)]
    assert_refused(workbook(reviews=reviews), "reviews", 1, "innovation", "not a criterion")


def test_a_review_missing_a_score_is_refused(stream):
    reviews = changed(REVIEWS, 4, "impact", None)
    assert_refused(workbook(reviews=reviews), "reviews", 4, "impact", "Enter a score for “Impact”")


def test_a_round_name_already_used_is_refused(stream):
    assert round_import(content=workbook()).saved
    assert_refused(workbook(), "round", 2, "value", "named “PCC Grant 2013/14” is already")


def test_a_round_whose_address_is_already_used_is_refused(stream):
    assert round_import(content=workbook()).saved
    other = changed(ROUND, 2, 1, "PCC Grant 201314!")
    assert_refused(workbook(round=other), "round", 2, "value", "address “pcc-grant-201314”")


def test_a_file_that_is_not_a_workbook_is_refused(stream):
    before = counts()
    summary = round_import(content=b"reference,title\nPCCG-1,Helpline\n")
    assert [str(p) for p in summary.problems] == [
        "The file is not an Excel workbook (.xlsx), so it cannot be read: save it as an "
        "Excel workbook and upload that."
    ]
    assert counts() == before


def test_every_problem_is_listed_at_once(stream):
    reviews = changed(REVIEWS, 3, "impact", 6)
    applications = changed(APPLICATIONS, 3, "submitted_at", "yesterday")
    summary = round_import(content=workbook(reviews=reviews, applications=applications))
    assert [(p.sheet, p.row, p.column) for p in summary.problems] == [
        ("applications", 3, "submitted_at"),
        ("reviews", 3, "impact"),
    ]


@pytest.mark.parametrize(
    ("sheets", "where", "message"),
    [
        (
            {"round": changed(ROUND, 7, 1, "2013-06-30")},
            ("round", 7, "value"),
            "closes: The round must close after it opens.",
        ),
        (
            {"round": changed(ROUND, 5, 1, 200000)},
            ("round", 5, "value"),
            "more than the £100,000 Community Safety Fund (2013/14) has available",
        ),
        (
            {"round": changed(ROUND, 10, 1, 0)},
            ("round", 10, "value"),
            "score_scale: The scale runs from 0 to a whole number",
        ),
        (
            {"applications": changed(APPLICATIONS, 2, "charity_number", "12")},
            ("applications", 2, "charity_number"),
            "Enter a charity number",
        ),
        (
            {"applications": changed(APPLICATIONS, 2, "eligible", "perhaps")},
            ("applications", 2, "eligible"),
            "Enter yes or no.",
        ),
        (
            {"reviews": changed(REVIEWS, 2, "recommendation", "maybe")},
            ("reviews", 2, "recommendation"),
            "Enter fund, fund in part or do not fund.",
        ),
        (
            {"reviews": changed(REVIEWS, 3, "application", "PCCG-2013-001")},
            ("reviews", 3, "reviewer_email"),
            "already reviews PCCG-2013-001 on row 2",
        ),
        (
            {"reviews": changed(REVIEWS, 2, "reviewer_email", "not an address")},
            ("reviews", 2, "reviewer_email"),
            "Enter an e-mail address",
        ),
        (
            {"criteria": [*CRITERIA, ["need", 0]]},
            ("criteria", 5, "weight_percent"),
            "Enter a weight above 0.",
        ),
    ],
    ids=[
        "close before opening",
        "budget over the stream",
        "scale of 0",
        "charity number",
        "eligible",
        "recommendation",
        "reviewer twice",
        "e-mail address",
        "weight of 0",
    ],
)
def test_further_refusals_name_their_cell(stream, sheets, where, message):
    assert_refused(workbook(**sheets), *where, message)


def test_the_imported_round_ranks_without_its_ineligible_application_or_conflicted_review(
    stream,
):
    assert round_import(content=workbook()).saved
    ranking = rank(GrantRound.objects.get())
    # 001: (4/5·40 + 5/5·35 + 3/5·25 = 82) and (2/5 of 100 = 40), mean 61;
    # 002: Jo's 3/5·40 + 3/5·35 + 2/5·25 = 55 (Sam declared a conflict); 003 ineligible
    assert [(r.reference, r.reviews, r.weighted_score, r.within_fund) for r in ranking.rows] == [
        ("PCCG-2013-001", 2, Decimal("61.00"), True),
        ("PCCG-2013-002", 1, Decimal("55.00"), True),
    ]
    assert ranking.unscored == []


# The command ------------------------------------------------------------------------


def test_the_command_imports_a_workbook_and_says_what_it_made(stream, tmp_path, capsys):
    path = tmp_path / "round.xlsx"
    path.write_bytes(workbook())
    call_command("import_round", str(path))
    out = capsys.readouterr().out
    assert "Applications: 3" in out and "Reviews: 4" in out
    assert "Imported the round “PCC Grant 2013/14”" in out
    assert GrantRound.objects.filter(imported=True).count() == 1


def test_the_command_dry_run_saves_nothing(stream, tmp_path, capsys):
    path = tmp_path / "round.xlsx"
    path.write_bytes(workbook())
    call_command("import_round", str(path), "--dry-run")
    assert "would be imported (dry run: nothing saved)" in capsys.readouterr().out
    assert not GrantRound.objects.exists()


def test_the_command_lists_every_problem_and_fails(stream, tmp_path, capsys):
    path = tmp_path / "round.xlsx"
    path.write_bytes(workbook(reviews=changed(REVIEWS, 3, "impact", 6)))
    with pytest.raises(CommandError, match="1 problem in round.xlsx: nothing was saved"):
        call_command("import_round", str(path))
    err = capsys.readouterr().err
    assert "sheet 'reviews', row 3, column 'impact': Score 6 is above the scale of 5." in err
    assert not GrantRound.objects.exists()


def test_the_command_imports_as_a_named_person(stream, tmp_path):
    UserFactory(username="officer", roles=[Role.OFFICER])
    path = tmp_path / "round.xlsx"
    path.write_bytes(workbook())
    call_command("import_round", str(path), "--as", "officer")
    assert Application.objects.first().created_by.username == "officer"
    with pytest.raises(CommandError, match="No active user nobody"):
        call_command("import_round", str(path), "--as", "nobody")
    # only someone who sets up rounds may have one imported in their name
    UserFactory(username="ce", roles=[Role.CHIEF_EXECUTIVE])
    path.write_bytes(workbook(round=changed(ROUND, 2, 1, "Another round")))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_round", str(path), "--as", "ce")
    assert GrantRound.objects.count() == 1


# The page ---------------------------------------------------------------------------


def _upload(content: bytes, name: str = "round.xlsx"):
    return SimpleUploadedFile(name, content)


def test_the_page_previews_then_imports_on_confirmation(client, stream):
    client.force_login(UserFactory(username="officer", roles=[Role.OFFICER]))
    response = client.post("/staff/rounds/import/", {"file": _upload(workbook())}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/jobs/")
    page = response.content.decode()
    assert "No problems found. Nothing has been saved yet." in page
    assert "Applications" in page and "Confirm and import" in page
    assert not GrantRound.objects.exists()
    # Its progress counted the rows of applications and reviews, checked by making them.
    made = (len(APPLICATIONS) - 1) + (len(REVIEWS) - 1)
    assert (response.context["job"].done, response.context["job"].total) == (made, made)
    check = response.context["job"].pk
    response = client.post("/staff/rounds/import/confirm/", {"job": check}, follow=True)
    grant_round = GrantRound.objects.get()
    page = response.content.decode()
    assert f'href="{grant_round.get_absolute_url()}"' in page
    assert "with 3 applications" in page
    assert grant_round.applications.count() == 3
    # the same confirmation cannot import twice
    response = client.post("/staff/rounds/import/confirm/", {"job": check}, follow=True)
    assert "This was confirmed already" in response.content.decode()
    assert GrantRound.objects.count() == 1


def test_the_page_lists_every_problem_of_a_refused_file_and_saves_nothing(client, stream):
    client.force_login(UserFactory(username="officer", roles=[Role.OFFICER]))
    before = counts()
    content = workbook(reviews=changed(REVIEWS, 3, "impact", 6))
    response = client.post("/staff/rounds/import/", {"file": _upload(content)}, follow=True)
    page = response.content.decode()
    assert "1 problem found: nothing has been saved" in page
    assert "<td>reviews</td><td>3</td><td>impact</td>" in page
    assert "Score 6 is above the scale of 5." in page
    assert "Confirm and import" not in page
    assert counts() == before
    refused = client.post(
        "/staff/rounds/import/confirm/", {"job": response.context["job"].pk}, follow=True
    )
    assert "This workbook has not been checked clean" in refused.content.decode()
    assert counts() == before
    # a confirmation made up for it imports nothing either
    response = client.post("/staff/rounds/import/confirm/", {"job": "made-up"})
    assert response.status_code == 404 and counts() == before


def test_the_page_refuses_a_file_that_is_not_a_workbook(client, stream):
    client.force_login(UserFactory(username="officer", roles=[Role.OFFICER]))
    response = client.post("/staff/rounds/import/", {"file": _upload(b"%PDF-1.4", "r.pdf")})
    assert response.status_code == 200
    assert "Upload an Excel workbook (.xlsx)" in response.content.decode()


def test_other_staff_can_neither_see_nor_post_the_import(client, stream):
    client.force_login(UserFactory(username="ce", roles=[Role.CHIEF_EXECUTIVE]))
    before = counts()
    assert client.get("/staff/rounds/import/").status_code == 403
    assert client.post("/staff/rounds/import/", {"file": _upload(workbook())}).status_code == 403
    assert client.get("/staff/rounds/import/template.xlsx").status_code == 403
    assert counts() == before


def test_the_template_has_the_four_sheets_with_an_example_row_each(client, stream):
    client.force_login(UserFactory(username="officer", roles=[Role.OFFICER]))
    response = client.get("/staff/rounds/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["round", "criteria", "applications", "reviews"]
    assert [cell.value for cell in book["criteria"][1]] == ["criterion", "weight_percent"]
    assert book["applications"].max_row == 2 and book["reviews"].max_row == 2


def test_the_rounds_list_links_to_the_import_for_editors_only(client, stream):
    client.force_login(UserFactory(username="officer", roles=[Role.OFFICER]))
    assert 'href="/staff/rounds/import/"' in client.get("/staff/rounds/").content.decode()
    client.force_login(UserFactory(username="ce", roles=[Role.CHIEF_EXECUTIVE]))
    assert 'href="/staff/rounds/import/"' not in client.get("/staff/rounds/").content.decode()
