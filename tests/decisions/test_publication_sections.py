"""Publication decided section by section, previewed before it is signed.

Reported: on the publication form an exemption filled in with the choice left on
"Publish" was accepted, and the text it was meant to protect went public for good,
with no preview; redaction was all or nothing per part (hiding the legal advice
took the whole officer assessment), and the form did not say what each part covered.
"""

import html
import io
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from decisions import publication, services
from decisions.models import (
    Decision,
    DecisionStatus,
    PublicationDecision,
    PublishedDocument,
    PublishedSnapshot,
    SignOff,
)
from decisions.views import PUBLISHED

from ..factories import ALL_PUBLISHED, client_code, signing_code

pytestmark = pytest.mark.django_db

LEGAL_ADVICE = "Counsel advises the grant could be challenged under the 2014 Act"
SUPPORTING = "The pilot in Darlington reached 140 young people in its first year."
REDACT_LEGAL = {
    "choice": "redact",
    "exemption": "s42",
    "legislation": "",
    "public_interest": "Legal advice to the Commissioner is privileged.",
    "review_date": date(2027, 8, 10),
}
GROUNDS = "FOI Act s42: legal professional privilege"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def approved(draft, people, advance):
    """Financial and legal implications, both comments, supporting information and
    three funding lines; approved, waiting for its publication decision."""
    services.decision_update(
        decision=draft,
        by=people["officer"],
        legal_details=LEGAL_ADVICE,
        supporting_information=SUPPORTING,
    )
    return advance(draft, "approved")


def decide(decision, people, password, choices, comment=""):
    return services.decision_transition(
        decision=decision,
        by=people["monitoring_officer"],
        action="decide_publication",
        password=password,
        code=signing_code(people["monitoring_officer"]),
        comment=comment,
        publication=choices,
    )


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def public_texts(client, decision) -> tuple[str, str]:
    page = html.unescape(client.get(f"/decisions/{decision.slug}/").content.decode())
    pdf = b"".join(client.get(f"/decisions/{decision.slug}.pdf").streaming_content)
    return page, text_of(pdf)


def nothing_stored(decision, media) -> bool:
    return (
        Decision.objects.get(pk=decision.pk).status == DecisionStatus.APPROVED
        and not PublicationDecision.objects.exists()
        and not PublishedSnapshot.objects.exists()
        and not PublishedDocument.objects.exists()
        and not SignOff.objects.filter(step="publication").exists()
        and not (media / "published").exists()
    )


# 1. Grounds with "Publish" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"exemption": "s43"}, "supporting_information_exemption"),
        ({"legislation": "Data Protection Act 2018"}, "supporting_information_legislation"),
    ],
)
def test_an_exemption_or_legislation_with_publish_is_refused_naming_the_section(
    client, approved, people, password, media, given, field
):
    choices = dict(ALL_PUBLISHED, supporting_information={"choice": "publish", **given})
    with pytest.raises(ValidationError) as refused:
        decide(approved, people, password, choices)
    assert refused.value.message_dict == {
        field: [publication.GROUNDS_WITH_PUBLISH.format(section="Supporting information")]
    }
    assert nothing_stored(approved, media)
    assert client.get(f"/decisions/{approved.slug}/").status_code == 404
    assert SUPPORTING not in client.get("/decisions/").content.decode()


def test_redacted_and_withheld_sections_need_grounds_and_reasoning(approved, people, password):
    choices = dict(
        ALL_PUBLISHED, legal={"choice": "redact"}, supporting_information={"choice": "withhold"}
    )
    with pytest.raises(ValidationError) as refused:
        decide(approved, people, password, choices)
    assert refused.value.message_dict == {
        "legal_legislation": [publication.GROUNDS_NEEDED.format(section="Legal implications")],
        "legal_public_interest": [
            publication.REASONING_NEEDED.format(section="Legal implications")
        ],
        "supporting_information_legislation": [
            publication.GROUNDS_NEEDED.format(section="Supporting information")
        ],
        "supporting_information_public_interest": [
            publication.REASONING_NEEDED.format(section="Supporting information")
        ],
    }


def test_every_section_of_the_record_needs_a_choice_and_no_other_is_taken(
    approved, people, password
):
    missing = {key: value for key, value in ALL_PUBLISHED.items() if key != "legal"}
    with pytest.raises(ValidationError) as refused:
        decide(approved, people, password, missing)
    assert refused.value.messages == [
        publication.SECTIONS_NEEDED.format(sections="Legal implications")
    ]
    with pytest.raises(ValidationError) as refused:
        decide(approved, people, password, dict(ALL_PUBLISHED, assessment={"choice": "publish"}))
    assert refused.value.messages == [publication.NO_SUCH_SECTION.format(section="assessment")]


# 2. Redaction by section ---------------------------------------------------------------


def test_one_implication_is_redacted_and_every_other_section_published(
    client, approved, people, password
):
    decision = decide(approved, people, password, dict(ALL_PUBLISHED, legal=REDACT_LEGAL))
    assert decision.status == DecisionStatus.PUBLISHED
    for public in public_texts(client, decision):
        assert LEGAL_ADVICE not in public
        assert "Legal implications: published with this content removed." in public
        assert GROUNDS in public
        assert "Legal advice to the Commissioner is privileged." in public
        # Every other section is there.
        assert "within the 2016/17 budget limits" in public  # the financial implications
        assert "Affordable." in public and "Lawful." in public  # both comments
        assert SUPPORTING in public
        assert "Support Coordinator" in public
    data = client.get("/open-data/decisions.json").json()["decisions"][0]
    assert data["withheld_parts"] == [
        {
            "part": "Legal implications",
            "choice": "Publish redacted",
            "grounds": GROUNDS,
            "public_interest": "Legal advice to the Commissioner is privileged.",
        }
    ]
    assert LEGAL_ADVICE not in client.get("/open-data/decisions.json").content.decode()


def test_an_attachment_and_a_comment_are_sections_of_their_own(
    client, draft, people, advance, password
):
    services.decision_attachment_add(
        decision=draft,
        upload=SimpleUploadedFile("tender-day-rates.pdf", PDF),
        by=people["officer"],
    )
    services.decision_attachment_add(
        decision=draft, upload=SimpleUploadedFile("project-plan.pdf", PDF), by=people["officer"]
    )
    decision = advance(draft, "approved")
    rates = decision.attachments.get(original_name="tender-day-rates.pdf")
    withhold = {
        "choice": "withhold",
        "exemption": "s43",
        "public_interest": "The day rates are commercially sensitive.",
    }
    choices = dict(ALL_PUBLISHED, legal_comment=withhold, **{f"attachment_{rates.pk}": withhold})
    choices[f"attachment_{decision.attachments.get(original_name='project-plan.pdf').pk}"] = {
        "choice": "publish"
    }
    decision = decide(decision, people, password, choices)
    for public in public_texts(client, decision):
        assert "tender-day-rates.pdf" not in public
        assert "project-plan.pdf" in public
        assert "Lawful." not in public  # the Monitoring Officer's comment
        assert "Affordable." in public  # the Chief Finance Officer's
        assert "Monitoring Officer's comments on the legal implications: not published." in public
        assert "An attachment: not published." in public
        assert "FOI Act s43: commercial interests" in public


def test_the_form_names_each_section_of_the_record_and_what_it_covers(client, approved, people):
    client.force_login(people["monitoring_officer"])
    page = client.get(f"/staff/decisions/{approved.pk}/act/decide_publication/").content.decode()
    legends = re.findall(r'<legend class="h5[^"]*">([^<]+)</legend>', page)
    assert legends == [
        "The record of the decision",
        "Financial implications",
        "Legal implications",
        "Chief Finance Officer&#x27;s comments on the financial implications",
        "Monitoring Officer&#x27;s comments on the legal implications",
        "Supporting information",
        "Funding breakdown",
    ]
    assert page.count("Covers:") == len(legends)
    assert "The executive summary, recommendations, officers present" in page
    # Nothing is offered for what the record does not have.
    assert "Human rights implications" not in page
    assert "Your password" not in page  # asked for once the public version is seen


# 3. The public version previewed, then signed ----------------------------------------------


def form_data(choices: dict, **extra) -> dict:
    data = {}
    for key, values in choices.items():
        for name, value in values.items():
            data[f"{key}_{name}"] = value.isoformat() if isinstance(value, date) else value
    return {**data, **extra}


ALL_PUBLISHED_ON_THE_FORM = {
    key: {"choice": "publish"}
    for key in (
        "record",
        "financial",
        "legal",
        "financial_comment",
        "legal_comment",
        "supporting_information",
        "funding_lines",
    )
}


@pytest.fixture
def mo_client(client, people):
    client.force_login(people["monitoring_officer"])
    return client


def test_the_preview_shows_the_public_version_and_stores_nothing(mo_client, approved, media):
    choices = dict(ALL_PUBLISHED_ON_THE_FORM, legal=REDACT_LEGAL)
    url = f"/staff/decisions/{approved.pk}/act/decide_publication/"
    response = mo_client.post(url, form_data(choices, preview="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check the public version before you publish" in page
    assert LEGAL_ADVICE not in page
    assert "Legal implications: published with this content removed." in page
    assert GROUNDS in page
    assert SUPPORTING in page and "Affordable." in page
    # The Monitoring Officer's signature as it will be made, with the password to give.
    assert "Monitoring Officer: publication" in page
    assert "Your password, to sign" in page
    assert nothing_stored(approved, media)


def test_the_preview_pdf_is_the_public_pdf_and_stores_nothing(mo_client, approved, media):
    choices = dict(ALL_PUBLISHED_ON_THE_FORM, legal=REDACT_LEGAL)
    response = mo_client.post(
        f"/staff/decisions/{approved.pk}/publication/preview.pdf", form_data(choices)
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = text_of(response.content)
    assert LEGAL_ADVICE not in text
    assert GROUNDS in text and SUPPORTING in text
    assert nothing_stored(approved, media)
    assert (
        mo_client.get(f"/staff/decisions/{approved.pk}/publication/preview.pdf").status_code == 405
    )


def test_the_preview_refuses_what_publication_would_refuse(mo_client, approved, media):
    choices = dict(
        ALL_PUBLISHED_ON_THE_FORM,
        legal={"choice": "redact", "exemption": "s42"},
        supporting_information={"choice": "publish", "exemption": "s43"},
    )
    url = f"/staff/decisions/{approved.pk}/act/decide_publication/"
    page = mo_client.post(url, form_data(choices, preview="1")).content.decode()
    assert "There is a problem" in page
    reasoning = publication.REASONING_NEEDED.format(section="Legal implications")
    exemption = publication.GROUNDS_WITH_PUBLISH.format(section="Supporting information")
    for message, field in (
        (reasoning, "legal_public_interest"),
        (exemption, "supporting_information_exemption"),
    ):
        escaped = message.replace("'", "&#x27;")
        assert (
            f'<a class="alert-link" href="#id_{field}">{escaped}</a>' in page
        )  # in the error summary
        assert page.count(escaped) == 2  # and on its field
    assert "Check the public version" not in page
    assert nothing_stored(approved, media)


def test_confirming_with_the_password_publishes_exactly_what_was_previewed(
    client, mo_client, approved, people, password, media
):
    choices = dict(ALL_PUBLISHED_ON_THE_FORM, legal=REDACT_LEGAL)
    url = f"/staff/decisions/{approved.pk}/act/decide_publication/"
    data = form_data(choices, comment="Published with the legal advice withheld.")
    preview = mo_client.post(url, {**data, "preview": "1"}).context["record"]

    wrong = mo_client.post(url, {**data, "confirm": "1", "password": "not my password"})
    assert "That is not your password: the signature was not recorded." in wrong.content.decode()
    assert "Check the public version" in wrong.content.decode()
    assert nothing_stored(approved, media)

    done = mo_client.post(
        url,
        {**data, "confirm": "1", "password": password, "code": client_code(mo_client)},
        follow=True,
    )
    assert PUBLISHED in done.content.decode()
    snapshot = PublishedSnapshot.objects.get(decision=approved)
    published = snapshot.content
    preview_signature = preview["signatures"].pop("publication")
    published_signature = published["signatures"].pop("publication")
    assert published == preview
    preview_signature.pop("signed_at"), published_signature.pop("signed_at")
    assert published_signature == preview_signature
    assert published_signature["comment"] == "Published with the legal advice withheld."
    page = client.get(f"/decisions/{approved.slug}/").content.decode()
    assert LEGAL_ADVICE not in page and GROUNDS in page


def test_the_staff_page_shows_each_sections_choice_and_grounds(client, approved, people, password):
    decision = decide(approved, people, password, dict(ALL_PUBLISHED, legal=REDACT_LEGAL))
    client.force_login(people["officer"])
    page = client.get(f"/staff/decisions/{decision.pk}/").content.decode()
    table = page[page.index("Publication, section by section") :]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>", table)
    assert rows[:3] == [
        ("The record of the decision", "Publish", "—"),
        ("Financial implications", "Publish", "—"),
        ("Legal implications", "Publish redacted", GROUNDS),
    ]
    assert "Legal advice to the Commissioner is privileged." in table
    assert "10 August 2027" in table
    assert LEGAL_ADVICE in page  # staff still read everything
