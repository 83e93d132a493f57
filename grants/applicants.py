"""Applicants and their organisations: registering, verifying the e-mail address,
creating an organisation or asking to join one, and accepting who asks.

Every write is here, inside a transaction. An applicant is a person outside the
office: a user holding the Applicant role and no other, signed in by e-mail address.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from commissioning.matching import match_key
from decisions import clock
from jobs.mail import mail_message, send_later
from pcc_grants.models import User
from pcc_grants.roles import STAFF_ROLES, Role, has_role

from .models import Applicant, JoinRequest, JoinStatus, Membership, Organisation

VERIFY_SALT = "grants.applicant.verify"
VERIFY_DAYS = 3
EMAIL_TAKEN = "An account with this e-mail address exists already: sign in, or reset its password."
LINK_BROKEN = "This link is not one we sent, or it has been changed."
LINK_EXPIRED = f"This link is more than {VERIFY_DAYS} days old: ask for a new one."
ALREADY_MEMBER = "You are already a member of {organisation}."
ALREADY_ASKED = "You have already asked to join {organisation}; a member will answer."
MEMBERS_OR_STAFF = "Only a member of {organisation} or the office's staff can answer this."
ALREADY_ANSWERED = "This request was already answered."
REGISTERED_BY = {
    field: "{organisation} is registered here " + how + ": ask to join it."
    for field, how in (
        ("charity_number", "with this charity number"),
        ("company_number", "with this company number"),
        ("name", "under this name"),
    )
}


def _normal_email(email: str) -> str:
    return email.strip().lower()


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def _verification_url(user: User) -> str:
    return settings.SITE_URL + reverse("grants_public:verify", args=[verification_token(user)])


@transaction.atomic
def applicant_register(*, email: str, full_name: str, password: str) -> User:
    """A new applicant, who cannot sign in until they follow the link e-mailed to them."""
    email = _normal_email(email)
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    first, _, last = full_name.strip().partition(" ")
    user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.is_active = False
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError({"email": EMAIL_TAKEN}) from error
    user.groups.add(Group.objects.get_or_create(name=Role.APPLICANT)[0])
    Applicant.objects.create(user=user)
    _send_link(user)
    return user


def _send_link(user: User) -> None:
    url = _verification_url(user)
    subject = "Confirm your e-mail address for PCC Grants"
    body = (
        f"Hello {user.first_name},\n\nTo finish registering, open this link within "
        f"{VERIFY_DAYS} days:\n{url}\n\nIf you did not register, ignore this message.\n"
    )
    send_later([mail_message(subject, body, [user.email])], title=f"E-mail: {subject}")


applicant_register.alters_data = True


@transaction.atomic
def applicant_send_link_again(*, email: str) -> bool:
    """E-mail a new link to an applicant who has not confirmed their address yet.
    Nothing else changes (not the password), and whoever asks is told the same
    whether or not the address is registered: True only says a link was sent."""
    applicant = (
        Applicant.objects.select_related("user")
        .filter(user__email__iexact=_normal_email(email), email_verified_at__isnull=True)
        .first()
    )
    if applicant is None:
        return False
    _send_link(applicant.user)
    return True


applicant_send_link_again.alters_data = True


@transaction.atomic
def applicant_verify(*, token: str) -> User:
    """The applicant the link names, now able to sign in."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_DAYS * 24 * 3600)
    except signing.SignatureExpired as error:
        raise ValidationError(LINK_EXPIRED, code="expired") from error
    except signing.BadSignature as error:
        raise ValidationError(LINK_BROKEN, code="broken") from error
    applicant = (
        Applicant.objects.select_for_update()
        .select_related("user")
        .filter(user_id=data.get("user"), user__email=data.get("email"))
        .first()
    )
    if applicant is None:
        raise ValidationError(LINK_BROKEN, code="broken")
    if applicant.email_verified_at is None:
        applicant.email_verified_at = clock.now()
        applicant.save(update_fields=["email_verified_at"])
        applicant.user.is_active = True
        applicant.user.save(update_fields=["is_active"])
    return applicant.user


applicant_verify.alters_data = True


def _ensure_applicant(user: User) -> None:
    if not has_role(user, Role.APPLICANT):
        raise ValidationError("Only an applicant can do this: register to apply.")


def organisations_like(*, name: str = "", charity_number: str = "", company_number: str = ""):
    """Organisations already registered that these details name: (field, organisation)."""
    found = []
    checks = (
        ("charity_number", charity_number.strip(), "charity_number"),
        ("company_number", company_number.strip().upper(), "company_number"),
        ("name", match_key(name) if name.strip() else "", "match_key"),
    )
    for field, value, column in checks:
        if value:
            for organisation in Organisation.objects.filter(**{column: value}):
                if organisation not in [o for _, o in found]:
                    found.append((field, organisation))
    return found


@transaction.atomic
def organisation_create(*, by: User, name: str, job_title: str = "", **fields) -> Organisation:
    """A new organisation with ``by`` as its first member; refused, naming the field,
    when one with the same charity or company number or name is registered already."""
    _ensure_applicant(by)
    organisation = Organisation(name=name.strip(), created_by=by, **fields)
    organisation.company_number = organisation.company_number.strip().upper()
    organisation.charity_number = organisation.charity_number.strip()
    organisation.match_key = match_key(organisation.name)
    organisation.full_clean(exclude=["provider", "created_by", "match_key"])
    errors = {}
    for field, existing in organisations_like(
        name=organisation.name,
        charity_number=organisation.charity_number,
        company_number=organisation.company_number,
    ):
        errors.setdefault(field, REGISTERED_BY[field].format(organisation=existing))
    if errors:
        raise ValidationError(errors)
    organisation.save()
    Membership.objects.create(organisation=organisation, user=by, job_title=job_title)
    return organisation


organisation_create.alters_data = True


@transaction.atomic
def join_request_create(
    *, by: User, organisation: Organisation, job_title: str = "", message: str = ""
) -> JoinRequest:
    _ensure_applicant(by)
    if organisation.memberships.filter(user=by).exists():
        raise ValidationError(ALREADY_MEMBER.format(organisation=organisation))
    if organisation.join_requests.filter(user=by, status=JoinStatus.PENDING).exists():
        raise ValidationError(ALREADY_ASKED.format(organisation=organisation))
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(
                organisation=organisation, user=by, job_title=job_title, message=message
            )
    except IntegrityError as error:
        raise ValidationError(ALREADY_ASKED.format(organisation=organisation)) from error
    members = list(organisation.memberships.values_list("user__email", flat=True))
    url = settings.SITE_URL + organisation.get_absolute_url()
    subject = f"{by.get_full_name() or by.email} asks to join {organisation.name}"
    body = (
        f"{by.get_full_name()} ({by.email}) asks to join {organisation.name} on PCC "
        f"Grants. Accept or refuse them here:\n{url}\n"
    )
    send_later(
        [mail_message(subject, body, [email for email in members if email])],
        title=f"E-mail: {subject}",
        by=by,
    )
    return request


join_request_create.alters_data = True


def may_answer_join_requests(user: User, organisation: Organisation) -> bool:
    if has_role(user, *STAFF_ROLES):
        return True
    return has_role(user, Role.APPLICANT) and organisation.memberships.filter(user=user).exists()


@transaction.atomic
def join_request_answer(*, join_request: JoinRequest, by: User, accept: bool) -> JoinRequest:
    """Accept (the person becomes a member) or refuse a request to join."""
    join_request = (
        JoinRequest.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=join_request.pk)
    )
    organisation = join_request.organisation
    if not may_answer_join_requests(by, organisation):
        raise ValidationError(MEMBERS_OR_STAFF.format(organisation=organisation))
    if join_request.status != JoinStatus.PENDING:
        raise ValidationError(ALREADY_ANSWERED)
    join_request.status = JoinStatus.ACCEPTED if accept else JoinStatus.REFUSED
    join_request.decided_by = by
    join_request.decided_at = clock.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        Membership.objects.get_or_create(
            organisation=organisation,
            user=join_request.user,
            defaults={"job_title": join_request.job_title},
        )
    answer = "accepted" if accept else "refused"
    email = join_request.user.email
    subject = f"Your request to join {organisation.name} was {answer}"
    body = f"Your request to join {organisation.name} on PCC Grants was {answer}.\n"
    send_later([mail_message(subject, body, [email])], title=f"E-mail: {subject}", by=by)
    return join_request


join_request_answer.alters_data = True
