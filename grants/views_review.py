"""The reviewers' own pages: the reviews assigned to them, the declaration of interests,
then the application as submitted and the scoring form.

A reviewer reaches only the reviews assigned to them: any other review, and one they
declared a conflict on, does not exist for them (404, by every URL and every POST).
Until they declare, a review shows only what is needed to judge a conflict: the
reference, the title, the organisation and the names in its budget.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pcc_grants.forms import add_service_errors
from pcc_grants.uploads import document_response

from . import reviewing
from .forms_review import DeclarationForm, ScoringForm, scoring_initial
from .models import Review, Reviewer, ReviewStatus, RoundStatus

NOT_A_REVIEWER = "This page is for reviewers."


def _reviewer(request: HttpRequest) -> Reviewer:
    reviewer = Reviewer.objects.filter(user=request.user).first()
    if reviewer is None:
        raise PermissionDenied(NOT_A_REVIEWER)
    return reviewer


def _review(request: HttpRequest, pk: int) -> Review:
    """The signed-in reviewer's own review, unless they declared a conflict on it."""
    reviewer = _reviewer(request)
    review = (
        Review.objects.select_related(
            "application__grant_round", "application__organisation", "reviewer__user"
        )
        .filter(pk=pk, reviewer=reviewer)
        .exclude(status=ReviewStatus.CONFLICTED)
        .first()
    )
    if review is None:
        raise Http404("No such review.")
    return review


@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    reviewer = _reviewer(request)
    reviews = (
        Review.objects.filter(reviewer=reviewer)
        .select_related("application__grant_round", "application__organisation")
        .order_by("application__grant_round__name", "application__reference", "pk")
    )
    return render(
        request, "grants/review/review_list.html", {"reviews": list(reviews), "reviewer": reviewer}
    )


def _budget_names(review: Review) -> list[str]:
    return [line.item for line in review.application.cost_lines.all()]


def _declaration_page(request, review: Review, form=None, status=200) -> HttpResponse:
    return render(
        request,
        "grants/review/declare.html",
        {
            "review": review,
            "application": review.application,
            "budget_names": _budget_names(review),
            "form": form or DeclarationForm(),
        },
        status=status,
    )


def _scoring_form(review: Review, data=None) -> ScoringForm:
    grant_round = review.application.grant_round
    return ScoringForm(
        data,
        initial=None if data is not None else scoring_initial(review),
        criteria=grant_round.criteria.all(),
        scale=grant_round.score_scale,
        descriptors={d.score: d.descriptor for d in grant_round.score_descriptors.all()},
    )


def _review_page(request, review: Review, form=None, status=200) -> HttpResponse:
    application = review.application
    content = application.content or {}
    sections: dict[str, list] = {}
    for answer in content.get("answers", []):
        sections.setdefault(answer["section"], []).append(answer)
    editable = (
        review.status == ReviewStatus.IN_PROGRESS
        and application.grant_round.status == RoundStatus.IN_REVIEW
    )
    return render(
        request,
        "grants/review/review.html",
        {
            "review": review,
            "application": application,
            "round": application.grant_round,
            "content": content,
            "sections": list(sections.items()),
            "documents": list(
                application.documents.select_related("required_document").order_by("pk")
            ),
            "form": (form or _scoring_form(review)) if editable else None,
            "editable": editable,
            "scores": list(review.scores.select_related("criterion")) if not editable else [],
            "criteria": list(application.grant_round.criteria.all()),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = _review(request, pk)
    if found.status == ReviewStatus.ASSIGNED:
        if request.method == "POST":
            raise PermissionDenied("Declare your interests before scoring.")
        return _declaration_page(request, found)
    if request.method != "POST":
        return _review_page(request, found)
    form = _scoring_form(found, request.POST)
    if not form.is_valid():
        return _review_page(request, found, form, status=400)
    data = form.cleaned_data
    try:
        reviewing.review_save(
            review=found,
            by=request.user,
            scores=form.scores(),
            recommendation=data["recommendation"],
            recommended_amount=data["recommended_amount"],
            comment=data["comment"],
        )
        if request.POST.get("action") == "submit":
            reviewing.review_submit(review=found, by=request.user)
    except ValidationError as error:
        if getattr(error, "code", None) == "not_allowed":
            raise PermissionDenied(" ".join(error.messages)) from error
        add_service_errors(form, error)
        found.refresh_from_db()
        return _review_page(request, found, form, status=400)
    if request.POST.get("action") == "submit":
        messages.success(request, f"Your review of {found.application.reference} is submitted.")
    else:
        messages.success(request, "Your scores are saved.")
    return redirect("grants_review:review", pk=found.pk)


@require_POST
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    found = _review(request, pk)
    form = DeclarationForm(request.POST)
    conflict = request.POST.get("declaration") == "conflict"
    form.is_valid()  # no field is required: the service says what is missing
    try:
        reviewing.review_declare(
            review=found,
            by=request.user,
            conflict=conflict,
            nature=form.cleaned_data.get("conflict_nature", ""),
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "not_allowed":
            raise PermissionDenied(" ".join(error.messages)) from error
        add_service_errors(form, error)
        return _declaration_page(request, found, form, status=400)
    if conflict:
        messages.success(
            request,
            f"Your conflict on {found.application.reference} is recorded: "
            "another reviewer will be found.",
        )
        return redirect("grants_review:reviews")
    return redirect("grants_review:review", pk=found.pk)


@require_safe
def document(request: HttpRequest, pk: int, document: int) -> HttpResponse:
    found = _review(request, pk)
    if found.status == ReviewStatus.ASSIGNED:
        raise PermissionDenied("Declare your interests before reading the application.")
    stored = get_object_or_404(found.application.documents, pk=document)
    return document_response(stored)


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The link e-mailed to a new reviewer: they set a password, then sign in."""

    template_name = "grants/review/welcome.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set: sign in with your e-mail address.")
        return response


welcome = WelcomeView.as_view()
