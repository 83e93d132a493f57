"""Publication by section, for records whose publication was decided before.

The three old parts become the sections they covered, each keeping the old choice
and its grounds, so that a record shows what it showed:

- ``record`` stays ``record``;
- ``assessment`` (the officer assessment) becomes each of the six implications and
  both comments (the Chief Finance Officer's and the Monitoring Officer's);
- ``details`` (the supporting details) becomes the key discussion points, the
  supporting information, the funding breakdown, the allocations and each of the
  record's attachments.

Then each such record gets its snapshot: the public shape of ``decisions.record_view``
(version 1), built here from the rows as they stand with the mapped choices. The
builder is a frozen copy, written against this migration's models, so that later
changes to the app cannot change what this migration did. The content SHA-256 is the
one the publication signature vouched for (the one in the published PDF's footer),
so that a record changed before this migration is still named by ``verify_records``.

Backwards, each old part takes the most restrictive choice among its sections (with
that section's grounds), and the snapshots go with their table.
"""

import hashlib
import json

from django.db import migrations

from pcc_grants.years import financial_year_label

ASSESSMENT = (
    "financial",
    "legal",
    "equality",
    "human_rights",
    "sustainability",
    "risk",
    "financial_comment",
    "legal_comment",
)
DETAILS = (
    "key_discussion_points",
    "supporting_information",
    "funding_lines",
    "allocations",
)
IMPLICATIONS = (
    ("financial", "Financial"),
    ("legal", "Legal"),
    ("equality", "Equality and diversity"),
    ("human_rights", "Human rights"),
    ("sustainability", "Sustainability"),
    ("risk", "Risk management"),
)
SECTION_LABELS = {
    "record": "The record of the decision",
    "financial": "Financial implications",
    "legal": "Legal implications",
    "equality": "Equality and diversity implications",
    "human_rights": "Human rights implications",
    "sustainability": "Sustainability implications",
    "risk": "Risk management implications",
    "financial_comment": "Chief Finance Officer's comments on the financial implications",
    "legal_comment": "Monitoring Officer's comments on the legal implications",
    "key_discussion_points": "Key discussion points",
    "supporting_information": "Supporting information",
    "funding_lines": "Funding breakdown",
    "allocations": "Allocations this decision approves",
}
COMMENT_LABELS = {
    "financial": "Chief Finance Officer's comments on the financial implications",
    "legal": "Monitoring Officer's comments on the legal implications",
}
COMMENT_SECTIONS = {"financial": "financial_comment", "legal": "legal_comment"}
CHOICE_LABELS = {"publish": "Publish", "redact": "Publish redacted", "withhold": "Do not publish"}
EXEMPTION_LABELS = {
    "s31": "FOI Act s31: law enforcement",
    "s38": "FOI Act s38: health and safety",
    "s40": "FOI Act s40: personal information",
    "s41": "FOI Act s41: information provided in confidence",
    "s42": "FOI Act s42: legal professional privilege",
    "s43": "FOI Act s43: commercial interests",
    "other": "Other (see the legislation)",
}
CATEGORY_LABELS = {
    "commissioner": "Decision of the Commissioner",
    "delegated": "Delegated officer decision",
}
STEP_LABELS = {
    "officer_approval": "Officer approval",
    "decision": "Decision",
    "publication": "Publication decision",
}
RESTRICTION = {"publish": 0, "redact": 1, "withhold": 2}
CHOICE_FIELDS = ("choice", "legislation", "exemption", "public_interest", "review_date")


def _person(user) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _iso(value):
    return value.isoformat() if value else None


def _attachments(decision):
    return sorted(decision.attachments.all(), key=lambda a: (a.uploaded_at, a.pk), reverse=True)


def _withheld(choice, label):
    section = f"attachment_{choice.attachment_id}" if choice.part == "attachment" else choice.part
    grounds = [EXEMPTION_LABELS.get(choice.exemption, "") if choice.exemption else ""]
    grounds.append(choice.legislation.strip())
    return {
        "section": section,
        "label": label,
        "choice": choice.choice,
        "choice_label": CHOICE_LABELS[choice.choice],
        "grounds": "; ".join(piece for piece in grounds if piece),
        "public_interest": choice.public_interest.strip(),
        "review_date": _iso(choice.review_date),
    }


def _sections(decision, comments, attachments, lines, allocations):
    keys = ["record"]
    keys += [key for key, _ in IMPLICATIONS if getattr(decision, f"{key}_implications")]
    kinds = {comment.kind for comment in comments}
    keys += [section for kind, section in COMMENT_SECTIONS.items() if kind in kinds]
    keys += [
        key
        for key in ("key_discussion_points", "supporting_information")
        if getattr(decision, key).strip()
    ]
    keys += ["funding_lines"] if lines else []
    keys += ["allocations"] if allocations else []
    keys += [f"attachment_{a.pk}" for a in attachments]
    return keys


def _signature(signoff):
    return {
        "step": signoff.step,
        "step_label": STEP_LABELS[signoff.step],
        "name": signoff.name,
        "title": signoff.title,
        "outcome": signoff.outcome,
        "statement": signoff.statement,
        "comment": signoff.comment,
        "signed_at": signoff.signed_at.isoformat(),
        "on_paper": signoff.on_paper,
        "recorded_by": _person(signoff.recorded_by) if signoff.on_paper else "",
    }


def _person(user) -> str:
    # As the User model names a person; a migration's models have no methods of theirs.
    return f"{user.first_name} {user.last_name}".strip() or user.username


def public_shape(decision, organisation, choices):
    """The public shape of ``decisions.record_view`` version 1, frozen."""
    attachments = _attachments(decision)
    labels = dict(SECTION_LABELS)
    # A withheld attachment's name is part of what is withheld.
    labels.update({f"attachment_{a.pk}": "An attachment" for a in attachments})
    shown = {}
    for choice in choices:
        key = f"attachment_{choice.attachment_id}" if choice.part == "attachment" else choice.part
        shown[key] = _withheld(choice, labels[key])

    def hidden(key):
        choice = shown.get(key)
        return choice if choice and choice["choice"] != "publish" else None

    view = {
        "version": 1,
        "public": True,
        "organisation": {
            "name": organisation.name,
            "chief_executive_title": organisation.chief_executive_title,
            "chief_finance_officer_title": organisation.chief_finance_officer_title,
            "decision_maker_title": organisation.decision_maker_title,
            "monitoring_officer_title": organisation.monitoring_officer_title,
            "officer_approval_statement": organisation.officer_approval_statement,
            "decision_maker_statement": organisation.decision_maker_statement,
        },
        "reference": decision.reference,
        "slug": decision.slug,
        "category": decision.category,
        "category_label": CATEGORY_LABELS[decision.category],
        "decision_date": _iso(decision.decision_date),
    }
    record_withheld = hidden("record")
    if record_withheld and record_withheld["choice"] == "withhold":
        view.update(
            status="not_published",
            published=False,
            request={"withheld": record_withheld},
            withheld=[record_withheld],
        )
        return view

    signoffs = [s for s in decision.signoffs.all() if not s.void]
    signoffs.sort(key=lambda s: (s.signed_at, s.pk))
    signatures = {signoff.step: _signature(signoff) for signoff in signoffs}
    publication = [s for s in signoffs if s.step == "publication"]
    comments = sorted(
        (c for c in decision.comments.all() if not c.void), key=lambda c: (c.created_at, c.pk)
    )
    lines = sorted(decision.funding_lines.all(), key=lambda line: (line.position, line.pk))
    allocations = sorted(decision.allocations.all(), key=lambda a: a.pk)
    officer = decision.lead_officer
    view.update(
        status="published",
        status_label="Published",
        published=True,
        significant_public_interest=decision.significant_public_interest,
        title=decision.title,
        decision=decision.decision,
        date_received=_iso(decision.date_received),
        lead_officer={"name": _person(officer), "job_title": officer.job_title},
        content_hash=publication[-1].content_hash if publication else decision.submitted_hash,
        signatures=signatures,
    )
    view["request"] = (
        {"withheld": record_withheld}
        if record_withheld
        else {
            "executive_summary": decision.executive_summary,
            "recommendations": decision.recommendations,
            "officers_present": decision.officers_present,
            "contractor_details": decision.contractor_details,
        }
    )
    implications = []
    for key, label in IMPLICATIONS:
        applies = getattr(decision, f"{key}_implications")
        row = {"key": key, "label": label, "applies": applies}
        if applies:
            grounds = hidden(key)
            row.update(
                {"withheld": grounds}
                if grounds
                else {"details": getattr(decision, f"{key}_details")}
            )
        implications.append(row)
    view["implications"] = implications
    shown_comments = []
    for comment in comments:
        key = COMMENT_SECTIONS[comment.kind]
        grounds = hidden(key)
        if grounds:
            if not any(c.get("withheld") is grounds for c in shown_comments):
                shown_comments.append(
                    {"section": key, "label": COMMENT_LABELS[comment.kind], "withheld": grounds}
                )
            continue
        shown_comments.append(
            {
                "section": key,
                "label": COMMENT_LABELS[comment.kind],
                "text": comment.text,
                "author_name": comment.author_name,
                "author_title": comment.author_title,
                "created_at": comment.created_at.isoformat(),
            }
        )
    view["comments"] = shown_comments
    for key in ("key_discussion_points", "supporting_information"):
        grounds = hidden(key) if getattr(decision, key).strip() else None
        view[key] = {"withheld": grounds} if grounds else {"text": getattr(decision, key)}
    lines_total = sum(line.amount for line in lines)
    grounds = hidden("funding_lines") if lines else None
    view["funding_lines"] = (
        {"withheld": grounds}
        if grounds
        else {
            "lines": [{"item": line.item, "amount": f"{line.amount:.2f}"} for line in lines],
            "total": f"{lines_total:.2f}",
        }
    )
    linked_total = sum(a.amount for a in allocations)
    grounds = hidden("allocations") if allocations else None
    view["allocations"] = (
        {"withheld": grounds}
        if grounds
        else {
            "rows": [
                {
                    "reference": f"A{a.pk:06d}",
                    "recipient": a.recipient.name if a.recipient_id else "Unnamed pot",
                    "title": a.title,
                    "funding_stream": (
                        f"{a.funding_stream.name} "
                        f"({financial_year_label(a.funding_stream.financial_year.start_year)})"
                    ),
                    "amount": f"{a.amount:.2f}",
                }
                for a in allocations
            ],
            "total": f"{linked_total:.2f}",
        }
    )
    view["totals_differ"] = (
        bool(allocations)
        and linked_total != lines_total
        and "withheld" not in view["funding_lines"]
        and "withheld" not in view["allocations"]
    )
    shown_attachments = []
    for attachment in attachments:
        grounds = hidden(f"attachment_{attachment.pk}")
        shown_attachments.append(
            {"withheld": grounds}
            if grounds
            else {
                "name": attachment.original_name,
                "size": attachment.size,
                "sha256": attachment.sha256,
            }
        )
    view["attachments"] = shown_attachments
    sections = _sections(decision, comments, attachments, lines, allocations)
    view["withheld"] = [shown[key] for key in sections if hidden(key)]
    return view


def _texts(view):
    yield view.get("decision", "")
    # In the order of the keys: PostgreSQL keeps a JSON object's keys in an order of
    # its own, so the text must not depend on the order they were written in.
    request = view.get("request", {})
    yield from (request[key] for key in sorted(request) if key != "withheld")
    for row in view.get("implications", ()):
        yield row.get("details", "")
    for comment in view.get("comments", ()):
        yield comment.get("text", "")
    for key in ("key_discussion_points", "supporting_information"):
        yield view.get(key, {}).get("text", "")
    for line in view.get("funding_lines", {}).get("lines", ()):
        yield line["item"]
    for allocation in view.get("allocations", {}).get("rows", ()):
        yield from (allocation["reference"], allocation["recipient"], allocation["title"])
    for attachment in view.get("attachments", ()):
        yield attachment.get("name", "")


def _sha256(content) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def map_parts(apps):
    PublicationDecision = apps.get_model("decisions", "PublicationDecision")
    for old in PublicationDecision.objects.filter(part__in=("assessment", "details")):
        values = {name: getattr(old, name) for name in CHOICE_FIELDS}
        common = {
            "decision_id": old.decision_id,
            "decided_by_id": old.decided_by_id,
            "decided_at": old.decided_at,
            **values,
        }
        sections = ASSESSMENT if old.part == "assessment" else DETAILS
        rows = [PublicationDecision(part=section, **common) for section in sections]
        if old.part == "details":
            Attachment = apps.get_model("decisions", "DecisionAttachment")
            rows += [
                PublicationDecision(part="attachment", attachment_id=pk, **common)
                for pk in Attachment.objects.filter(decision_id=old.decision_id)
                .order_by("pk")
                .values_list("pk", flat=True)
            ]
        old.delete()
        PublicationDecision.objects.bulk_create(rows)


def make_snapshots(apps):
    Decision = apps.get_model("decisions", "Decision")
    PublishedSnapshot = apps.get_model("decisions", "PublishedSnapshot")
    PublishedDocument = apps.get_model("decisions", "PublishedDocument")
    OrganisationSettings = apps.get_model("pcc_grants", "OrganisationSettings")
    organisation = OrganisationSettings.objects.filter(pk=1).first()
    decided = (
        Decision.objects.filter(
            status__in=("published", "not_published"), published_snapshot__isnull=True
        )
        .select_related("lead_officer")
        .prefetch_related(
            "signoffs",
            "comments",
            "funding_lines",
            "attachments",
            "allocations__recipient",
            "allocations__funding_stream__financial_year",
            "publication_decisions",
        )
        .order_by("pk")
    )
    if organisation is None:  # no record can have been published without one
        organisation = OrganisationSettings()
    published_at = dict(PublishedDocument.objects.values_list("decision_id", "published_at"))
    for decision in decided.iterator(chunk_size=200):
        choices = list(decision.publication_decisions.all())
        view = public_shape(decision, organisation, choices)
        signed = [s.signed_at for s in decision.signoffs.all() if s.step == "publication"]
        published = view["published"]
        PublishedSnapshot.objects.create(
            decision=decision,
            published=published,
            reference=view["reference"],
            slug=view["slug"],
            category=view["category"],
            decision_date=decision.decision_date,
            title=view.get("title", "") if published else "",
            search_text="\n".join(t for t in _texts(view) if t) if published else "",
            allocations_published=published and bool(view["allocations"].get("rows")),
            content=view,
            content_sha256=_sha256(view),
            published_at=published_at.get(decision.pk) or max(signed, default=decision.updated_at),
        )


def forwards(apps, schema_editor):
    map_parts(apps)
    make_snapshots(apps)


def backwards(apps, schema_editor):
    """Each old part takes its sections' most restrictive choice."""
    PublicationDecision = apps.get_model("decisions", "PublicationDecision")
    decision_ids = (
        PublicationDecision.objects.exclude(part="record")
        .values_list("decision_id", flat=True)
        .distinct()
    )
    for decision_id in list(decision_ids):
        rows = list(
            PublicationDecision.objects.filter(decision_id=decision_id).exclude(part="record")
        )
        for old, sections in (("assessment", ASSESSMENT), ("details", (*DETAILS, "attachment"))):
            mine = [row for row in rows if row.part in sections]
            if not mine:
                continue
            strictest = max(mine, key=lambda row: (RESTRICTION[row.choice], -row.pk))
            PublicationDecision.objects.filter(pk__in=[row.pk for row in mine]).delete()
            PublicationDecision.objects.create(
                decision_id=decision_id,
                part=old,
                decided_by_id=strictest.decided_by_id,
                decided_at=strictest.decided_at,
                **{name: getattr(strictest, name) for name in CHOICE_FIELDS},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0006_publication_by_section"),
        ("funding", "0003_allocation_decision_historicalallocation_decision"),
        ("pcc_grants", "0004_organisationsettings_org_id"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
