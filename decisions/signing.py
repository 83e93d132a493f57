"""Signatures: who signs each step, in which words, and the content they vouch for."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.files.base import File
from django.utils import timezone

from pcc_grants.models import OrganisationSettings
from pcc_grants.roles import Role, has_role
from pcc_grants.signing_factors import SigningFactor
from pcc_grants.uploads import check_upload

from . import clock
from .content import content_hash
from .models import Decision, SignOff, SignOffStep


@dataclass(frozen=True)
class PaperSignature:
    """A step signed on paper: who signed (a user holding the step's role, or a name
    and title for a signer with no account), when, and the scanned copy."""

    name: str
    title: str
    signed_on: date
    scan: object  # an uploaded file
    signer: object = None  # the signer's account, when they have one

    def signer_name(self) -> str:
        return str(self.signer) if self.signer else self.name


def signer_title(step: str, user, settings: OrganisationSettings) -> str:
    if step == SignOffStep.OFFICER_APPROVAL:
        if has_role(user, Role.CHIEF_EXECUTIVE):
            return settings.chief_executive_title
        return settings.chief_finance_officer_title
    if step == SignOffStep.DECISION:
        return settings.decision_maker_title
    return settings.monitoring_officer_title


def signature_statement(step: str, settings: OrganisationSettings | None = None) -> str:
    settings = settings or OrganisationSettings.load()
    return {
        SignOffStep.OFFICER_APPROVAL: settings.officer_approval_statement,
        SignOffStep.DECISION: settings.decision_maker_statement,
        SignOffStep.PUBLICATION: settings.monitoring_officer_statement,
    }[step]


def signoff_for(
    decision: Decision,
    *,
    step: str,
    outcome: str,
    by,
    comment: str,
    paper: PaperSignature | None,
    factor: str = "",
) -> SignOff:
    """The signature of ``step`` as it would be recorded now, not yet saved: ``sign``
    saves it; the publication preview shows it before it is made."""
    settings = OrganisationSettings.load()
    return SignOff(
        decision=decision,
        step=step,
        outcome=outcome,
        signer=paper.signer if paper else by,
        name=paper.signer_name() if paper else str(by),
        title=(
            paper.title or signer_title(step, paper.signer, settings)
            if paper and paper.signer
            else paper.title
            if paper
            else signer_title(step, by, settings)
        ),
        role=step,
        statement=signature_statement(step, settings),
        comment=comment,
        signed_at=(
            timezone.make_aware(datetime.combine(paper.signed_on, time(12, 0)))
            if paper
            else clock.now()
        ),
        content_hash=content_hash(decision),
        on_paper=paper is not None,
        recorded_by=by,
        factor=factor or SigningFactor.PASSWORD,
    )


def sign(
    decision: Decision,
    *,
    step: str,
    outcome: str,
    by,
    comment: str,
    paper: PaperSignature | None,
    factor: str,
) -> SignOff:
    """Record the signature of ``step``, with the SHA-256 of the content signed and
    what it was made with (``factor``). On paper, ``by`` is the officer who records it
    and the scan is kept."""
    signoff = signoff_for(
        decision,
        step=step,
        outcome=outcome,
        by=by,
        comment=comment,
        paper=paper,
        factor=factor,
    )
    if paper:
        checked = check_upload(paper.scan)
        signoff.stored_name = f"{uuid.uuid4().hex}.{checked.extension}"
        signoff.scan.save(signoff.stored_name, File(paper.scan), save=False)
    signoff.save()
    return signoff
