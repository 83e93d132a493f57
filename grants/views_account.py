"""An applicant's account: registering and verifying an e-mail address, their
organisations (creating one, asking to join one, answering who asks) and the
applications of their organisations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from decisions import clock
from pcc_grants.forms import add_service_errors
from pcc_grants.permissions import role_required
from pcc_grants.roles import Role

from . import applicants
from . import selectors_public as selectors
from .forms_account import (
    JoinForm,
    OrganisationForm,
    OrganisationSearchForm,
    RegisterForm,
    SendLinkAgainForm,
)
from .models import JoinRequest, Organisation, Screening

# The verification link signs the person in with the password backend; the throttle
# (first in AUTHENTICATION_BACKENDS) only counts passwords.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
REGISTERED_EMAIL = "grants_registered_email"
APPLICANTS_ONLY = role_required(Role.APPLICANT)
NOT_A_MEMBER = "You are not a member of this organisation."
ACCEPT_OR_REFUSE = "Choose Accept or Refuse."


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


# Registering --------------------------------------------------------------------------


@login_not_required
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = applicants.applicant_register(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            fields = {"password": "password1"}  # nosec B105 - field names, not a password
            add_service_errors(form, error, aliases=fields)
        else:
            request.session[REGISTERED_EMAIL] = user.email
            return redirect("grants_public:register_sent")
    return render(request, "grants/account/register.html", {"form": form})


@login_not_required
@require_safe
def register_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "grants/account/register_sent.html",
        {"email": request.session.get(REGISTERED_EMAIL, ""), "days": applicants.VERIFY_DAYS},
    )


@login_not_required
def send_link_again(request: HttpRequest) -> HttpResponse:
    """A new link for someone whose link expired or went astray. The answer is the
    same whether or not the address is registered, so nobody learns who has."""
    form = SendLinkAgainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        applicants.applicant_send_link_again(email=form.cleaned_data["email"])
        request.session[REGISTERED_EMAIL] = form.cleaned_data["email"].strip().lower()
        return redirect("grants_public:register_sent")
    return render(request, "grants/account/send_link_again.html", {"form": form})


@login_not_required
@require_safe
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm the address the link was sent to, and sign the person in the first time
    the link is used (after that it is only a confirmation: they sign in as usual)."""
    try:
        user = applicants.applicant_verify(token=token)
    except ValidationError as error:
        return render(
            request,
            "grants/account/verify_failed.html",
            {"reason": error.messages[0], "expired": error.code == "expired"},
            status=400,
        )
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("grants_apply:account")
    if request.user.is_authenticated:
        # Someone else is signed in on this browser: confirm, but never swap accounts.
        messages.info(
            request,
            f"{user.email} is confirmed. You are signed in as {request.user}: sign out, "
            "then sign in with that address to apply.",
        )
        return redirect("home")
    if user.last_login is not None:
        messages.info(request, "Your e-mail address is confirmed already: sign in to continue.")
        return redirect("login")
    login(request, user, backend=MODEL_BACKEND)
    request.session.pop(REGISTERED_EMAIL, None)
    messages.success(request, "Your e-mail address is confirmed and you are signed in.")
    # Home, which is an applicant's own applications (and the same for anyone else).
    return redirect("home")


# The account --------------------------------------------------------------------------


@require_safe
@APPLICANTS_ONLY
def account(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    rounds = list(selectors.rounds_open(now))
    for grant_round in rounds:
        grant_round.closes_words = selectors.moment_words(grant_round.closes_at)
    return render(
        request,
        "grants/account/account.html",
        {
            "organisations": list(selectors.organisations_of(request.user)),
            "requests_made": list(selectors.join_requests_made_by(request.user)),
            "applications": list(selectors.applications_of(request.user)),
            "open_rounds": rounds,
            "INELIGIBLE": Screening.INELIGIBLE,
        },
    )


# Organisations ------------------------------------------------------------------------


def _search(request: HttpRequest, user):
    """The search form and what it found: (form, [(field, organisation, is_member)])."""
    if "q" not in request.GET:
        return OrganisationSearchForm(), None
    form = OrganisationSearchForm(request.GET)
    if not form.is_valid():
        return form, None
    text = form.cleaned_data["q"]
    found = applicants.organisations_like(name=text, charity_number=text, company_number=text)
    return form, _marked(found, user)


def _marked(found, user) -> list[dict]:
    mine = set(selectors.organisations_of(user).values_list("pk", flat=True))
    return [
        {"field": field, "organisation": organisation, "is_member": organisation.pk in mine}
        for field, organisation in found
    ]


@APPLICANTS_ONLY
def organisation_new(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = OrganisationForm(request.POST or None, initial={"next": next_url})
    matches = []
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OrganisationForm.SERVICE_FIELDS}
        try:
            organisation = applicants.organisation_create(by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
            matches = _marked(
                applicants.organisations_like(
                    name=fields["name"],
                    charity_number=fields["charity_number"],
                    company_number=fields["company_number"],
                ),
                request.user,
            )
        else:
            messages.success(request, f"{organisation.name} is registered, with you as a member.")
            return redirect(next_url or organisation.get_absolute_url())
    search_form, found = _search(request, request.user)
    return render(
        request,
        "grants/account/organisation_new.html",
        {
            "form": form,
            "matches": matches,
            "search_form": search_form,
            "found": found,
            "join_form": JoinForm(),
        },
    )


@require_safe
@APPLICANTS_ONLY
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.organisation_of(request.user, pk)
    if found is None:
        raise Http404(NOT_A_MEMBER)
    return render(
        request,
        "grants/account/organisation.html",
        {
            "organisation": found,
            "applications": list(
                selectors.applications_of(request.user).filter(organisation=found)
            ),
        },
    )


@require_POST
@APPLICANTS_ONLY
def organisation_join(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            applicants.join_request_create(
                by=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"You asked to join {organisation.name}. Its members have been e-mailed; "
                "you will get an e-mail when one of them answers.",
            )
        return redirect("grants_apply:account")
    return render(
        request,
        "grants/account/join.html",
        {"organisation": organisation, "form": form},
    )


@require_POST
@APPLICANTS_ONLY
def join_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("organisation", "user"), pk=pk
    )
    organisation = join_request.organisation
    if not applicants.may_answer_join_requests(request.user, organisation):
        raise PermissionDenied(applicants.MEMBERS_OR_STAFF.format(organisation=organisation))
    answer = request.POST.get("accept")
    if answer not in ("0", "1"):
        messages.error(request, ACCEPT_OR_REFUSE)
        return redirect(organisation.get_absolute_url())
    accept = answer == "1"
    try:
        applicants.join_request_answer(join_request=join_request, by=request.user, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        who = join_request.user.get_full_name() or join_request.user.email
        if accept:
            messages.success(request, f"{who} is now a member of {organisation.name}.")
        else:
            messages.success(request, f"You refused {who}'s request to join {organisation.name}.")
    return redirect(organisation.get_absolute_url())
