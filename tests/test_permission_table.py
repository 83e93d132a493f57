"""Who gets what: the answer to a GET of every URL pattern, for every role.

One table states, for each URL pattern the walker (tests/url_walker.py) finds, what a
GET answers to an anonymous visitor and to a user holding each role of
``pcc_grants.roles.Role``. It is written from the design (DESIGN.md §1, §7 and
docs/*.md), not copied from the code: where the two disagree, the table holds what the
design says and the test fails until the app is fixed.

The test asks the live app, with a real user per role, on a small world holding one
object of each kind (a stream, an allocation, a provider, an agreement with its document
and monitoring returns, decision records in each interesting state with an attachment),
so every detail URL is asked about a real object. A URL pattern without a row fails the
suite (add the row with the pattern); a row whose pattern is gone fails it too.

Notation: each row gives ten answers, one per column, in this order

    anon  anonymous visitor              mo   Monitoring Officer
    off   Officer                        pcc  Commissioner
    cfo   Chief Finance Officer          pnl  Panel member
    ce    Chief Executive                rev  Reviewer
                                         app  Applicant (a member of an organisation
                                              that applies for grants: grant rounds)
                                         adm  Administrator (is_staff and is_superuser,
                                              as ``load_demo`` makes the administrator)

    200 / 400 / 403 / 404 / 405   that status (405: the URL answers POST only, and refuses a
                            GET before asking who is there)
    L     302 to the site's sign-in page, /accounts/login/?next=<the URL asked for>
    A     302 to the admin's sign-in page, /admin/login/?next=<the URL asked for>
    >     302 to the place the row names after the codes
    R     (a POST of a file to import) 200, the preview refusing the file's row 2 by its
          status column; nothing is saved
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from commissioning import services as commissioning_services
from commissioning.models import CommissioningRoute, MonitoringFrequency
from decisions import services as decision_services
from decisions.models import Decision
from funding import services as funding_services
from funding.models import FundingSource, PlanTheme
from grants import applicants as grant_applicants
from grants import services as grant_services
from pcc_grants.models import OrganisationSettings, User
from pcc_grants.roles import Role

from .factories import (
    ALL_PUBLISHED,
    PASSWORD,
    AllocationFactory,
    FinancialYearFactory,
    FundingStreamFactory,
    OrganisationSettingsFactory,
    ProviderFactory,
    UserFactory,
    signing_code,
)
from .url_walker import Endpoint, iter_endpoints

ANONYMOUS = "anonymous"
COLUMNS = (
    ANONYMOUS,
    Role.OFFICER,
    Role.CHIEF_FINANCE_OFFICER,
    Role.CHIEF_EXECUTIVE,
    Role.MONITORING_OFFICER,
    Role.COMMISSIONER,
    Role.PANEL_MEMBER,
    Role.REVIEWER,
    Role.APPLICANT,
    Role.ADMINISTRATOR,
)
SHORT = dict(
    zip(
        COLUMNS,
        ("anon", "off", "cfo", "ce", "mo", "pcc", "pnl", "rev", "app", "adm"),
        strict=True,
    )
)
CODES = {"200", "400", "403", "404", "405", "L", "A", ">", "R"}

# fmt: off
# Every URL pattern outside the admin: the URL asked for ({names} are objects of the
# world below), then the ten answers, or (answers, where ">" redirects to).
#
# Staff pages (funding, commissioning, decision records in preparation) are for the
# office's staff: Officer, CFO, Chief Executive, Monitoring Officer, Commissioner,
# Administrator. Only the Officer and CFO record and edit. The Panel also reads the
# funding position and the reports; the Reviewer reaches neither (DESIGN §1).
# The public register and open data answer everyone (DESIGN §4, §7).
TABLE = {
    #                                                       anon off cfo ce  mo  pcc pnl rev app adm
    # an applicant's home is their own applications, a reviewer's their reviews
    "/":                ("200 200 200 200 200 200 200 >   >   200",
                         {Role.REVIEWER: "/review/", Role.APPLICANT: "/apply/"}),
    "/health/":                                             "200 200 200 200 200 200 200 200 200 200",
    "/accounts/login/":                                     "200 200 200 200 200 200 200 200 200 200",
    # signing out is a POST (Django 5); a GET signs nobody out
    "/accounts/logout/":                                    "L   405 405 405 405 405 405 405 405 405",
    "/accounts/password/change/":                           "L   200 200 200 200 200 200 200 200 200",
    "/accounts/password/change/done/":                      "L   200 200 200 200 200 200 200 200 200",
    # Two-factor authentication: each person's own (docs/accounts.md)
    "/accounts/two-factor/":                                "L   200 200 200 200 200 200 200 200 200",
    "/accounts/two-factor/authenticator/":                  "L   200 200 200 200 200 200 200 200 200",
    # new recovery codes are a POST; the page after shows them once, or goes back
    "/accounts/two-factor/recovery-codes/":
        ("L   >   >   >   >   >   >   >   >   >", "/accounts/two-factor/"),
    "/accounts/two-factor/authenticator/{totp}/remove/":    "L   405 405 405 405 405 405 405 405 405",
    # the code page, for who has a second factor to give; the others go on
    "/accounts/login/code/":
        ("L   >   >   >   >   >   >   >   >   >", "/"),
    # an administrator's reset of someone else's second factors
    "/accounts/two-factor/reset/{officer}/":                "A   A   A   A   A   A   A   A   A   200",
    # passkey ceremonies (django-otp-webauthn): JSON, POST only. Adding a passkey asks
    # first for a session verified by any device the user has: the signers of this
    # world hold one (their used-up signing codes), so it refuses them before the method
    "/accounts/passkeys/registration/begin/":               "L   405 405 403 403 403 405 405 405 405",
    "/accounts/passkeys/registration/complete/":            "L   405 405 403 403 403 405 405 405 405",
    "/accounts/passkeys/authentication/begin/":             "L   405 405 405 405 405 405 405 405 405",
    "/accounts/passkeys/authentication/complete/":          "L   405 405 405 405 405 405 405 405 405",
    "/accounts/passkeys/jsi18n/":                           "L   200 200 200 200 200 200 200 200 200",
    # Funding streams and allocations (docs/funding.md, "Who may do what")
    "/funding/":                                            "L   200 200 200 200 200 403 403 403 200",
    "/funding/streams/new/":                                "L   200 200 403 403 403 403 403 403 403",
    "/funding/streams/{stream}/":                           "L   200 200 200 200 200 403 403 403 200",
    "/funding/streams/{stream}/edit/":                      "L   200 200 403 403 403 403 403 403 403",
    "/funding/allocations/":                                "L   200 200 200 200 200 403 403 403 200",
    "/funding/allocations/new/":                            "L   200 200 403 403 403 403 403 403 403",
    "/funding/allocations/export/":                         "L   405 405 405 405 405 405 405 405 405",
    "/funding/allocations/{allocation}/":                   "L   200 200 200 200 200 403 403 403 200",
    "/funding/allocations/{allocation}/edit/":              "L   200 200 403 403 403 403 403 403 403",
    "/funding/allocations/{allocation}/approve/":           "L   405 405 405 405 405 405 405 405 405",
    "/funding/position/":  # the current year's position
        ("L   >   >   >   >   >   >   403 403 >", "/funding/position/{year}/"),
    "/funding/position/{year}/":                            "L   200 200 200 200 200 200 403 403 200",
    "/funding/position/{year}.pdf":                         "L   200 200 200 200 200 200 403 403 200",
    "/funding/import/":                                     "L   200 200 403 403 403 403 403 403 403",
    "/funding/import/confirm/":                             "L   405 405 405 405 405 405 405 405 405",
    "/funding/import/template/allocations.xlsx":            "L   200 200 403 403 403 403 403 403 403",
    # Background jobs: each person's own; another's job is as if it did not exist
    "/jobs/":                                               "L   200 200 200 200 200 200 200 200 200",
    "/jobs/{job}/":                                         "L   200 404 404 404 404 404 404 404 404",
    "/jobs/{job}/status/":                                  "L   200 404 404 404 404 404 404 404 404",
    "/jobs/{job}/download/":                                "L   200 404 404 404 404 404 404 404 404",
    # Providers, agreements, documents, monitoring returns (docs/commissioning.md)
    "/commissioning/providers/":                            "L   200 200 200 200 200 403 403 403 200",
    "/commissioning/providers/suggest/":                    "L   200 200 200 200 200 403 403 403 200",
    "/commissioning/providers/new/":                        "L   200 200 403 403 403 403 403 403 403",
    "/commissioning/providers/{provider}/":                 "L   200 200 200 200 200 403 403 403 200",
    "/commissioning/providers/{provider}/edit/":            "L   200 200 403 403 403 403 403 403 403",
    "/commissioning/agreements/":                           "L   200 200 200 200 200 403 403 403 200",
    "/commissioning/agreements/new/":                       "L   200 200 403 403 403 403 403 403 403",
    "/commissioning/agreements/{agreement}/":               "L   200 200 200 200 200 403 403 403 200",
    "/commissioning/agreements/{agreement}/edit/":          "L   200 200 403 403 403 403 403 403 403",
    "/commissioning/agreements/{agreement}/allocations/":   "L   405 405 405 405 405 405 405 405 405",
    "/commissioning/agreements/{agreement}/documents/":     "L   405 405 405 405 405 405 405 405 405",
    "/commissioning/documents/{document}/":                 "L   200 200 200 200 200 403 403 403 200",
    "/commissioning/documents/{document}/publish/":         "L   405 405 405 405 405 405 405 405 405",
    "/commissioning/returns/":                              "L   200 200 200 200 200 403 403 403 200",
    # a return reads for staff; recording it (POST) is for the Officer and CFO
    "/commissioning/returns/{return}/":                     "L   200 200 200 200 200 403 403 403 200",
    "/commissioning/contracts/":                            "L   200 200 200 200 200 403 403 403 200",
    # Decision records in preparation (docs/decisions.md, "The workflow")
    "/staff/decisions/":                                    "L   200 200 200 200 200 403 403 403 200",
    "/staff/decisions/new/":                                "L   200 200 403 403 403 403 403 403 403",
    "/staff/decisions/{draft}/":                            "L   200 200 200 200 200 403 403 403 200",
    "/staff/decisions/{draft}/edit/":                       "L   200 200 403 403 403 403 403 403 403",
    "/staff/decisions/{draft}/record.pdf":                  "L   200 200 200 200 200 403 403 403 200",
    "/staff/decisions/{draft}/attachments/":                "L   405 405 405 405 405 405 405 405 405",
    "/staff/decisions/attachments/{attachment}/":           "L   200 200 200 200 200 403 403 403 200",
    "/staff/decisions/attachments/{attachment}/remove/":    "L   405 405 405 405 405 405 405 405 405",
    "/staff/decisions/{draft}/act/submit/":                 "L   200 200 403 403 403 403 403 403 403",
    "/staff/decisions/{awaiting}/paper/officer_approve/":   "L   403 403 200 200 403 403 403 403 403",
    "/staff/decisions/{awaiting}/comment/financial/":       "L   405 405 405 405 405 405 405 405 405",
    # the preview of a publication posts the choices it shows (nothing is stored)
    "/staff/decisions/{draft}/publication/preview.pdf":     "L   405 405 405 405 405 405 405 405 405",
    # The public register (no sign-in)
    "/decisions/":                                          "200 200 200 200 200 200 200 200 200 200",
    # anyone may check a PDF against the register (nothing uploaded is kept)
    "/decisions/verify/":                                   "200 200 200 200 200 200 200 200 200 200",
    # the forward plan: what staff flagged for the public (title, month, summary)
    "/decisions/expected/":                                 "200 200 200 200 200 200 200 200 200 200",
    "/decisions/{published_slug}/":                         "200 200 200 200 200 200 200 200 200 200",
    "/decisions/{published_slug}.pdf":                      "200 200 200 200 200 200 200 200 200 200",
    # Reports: staff and the Panel; only the Officer and CFO write the introduction (POST)
    "/reports/":                                            "L   200 200 200 200 200 200 403 403 200",
    "/reports/commissioning/{year}/":                       "L   200 200 200 200 200 200 403 403 200",
    "/reports/commissioning/{year}.pdf":                    "L   200 200 200 200 200 200 403 403 200",
    "/reports/commissioning/{year}/introduction/":          "L   405 405 405 405 405 405 405 405 405",
    # a PDF made by a job, asked for by a POST
    "/reports/commissioning/{year}/pdf-job/":               "L   405 405 405 405 405 405 405 405 405",
    "/reports/grants-by-theme/{year}/":                     "L   200 200 200 200 200 200 403 403 200",
    "/reports/decisions/":                                  "L   200 200 200 200 200 200 403 403 200",
    # what the transparency page still lacks: staff of the office
    "/reports/transparency/":                               "L   200 200 200 200 200 403 403 403 200",
    # Open data (no sign-in)
    "/grants/":                                             "200 200 200 200 200 200 200 200 200 200",
    "/open-data/grants.json":                               "200 200 200 200 200 200 200 200 200 200",
    "/open-data/grants.csv":                                "200 200 200 200 200 200 200 200 200 200",
    "/open-data/decisions.json":                            "200 200 200 200 200 200 200 200 200 200",
    "/open-data/contracts.csv":                             "200 200 200 200 200 200 200 200 200 200",
    # The transparency page (the Specified Information Order; no sign-in)
    "/transparency/":                                       "200 200 200 200 200 200 200 200 200 200",
    "/transparency/crime-and-disorder-reduction-grants.csv":
                                                            "200 200 200 200 200 200 200 200 200 200",
    "/transparency/contracts-over-10000.csv":               "200 200 200 200 200 200 200 200 200 200",
    "/transparency/contracts-10000-or-less.csv":            "200 200 200 200 200 200 200 200 200 200",
    "/transparency/significant-public-interest-decisions.csv":
                                                            "200 200 200 200 200 200 200 200 200 200",
    # a contract's copy, once published
    "/transparency/contracts/documents/{published_document}/":
                                                            "200 200 200 200 200 200 200 200 200 200",
    # Grant rounds (docs/grants.md). The public pages: open and coming rounds, and the
    # way in for applicants; a signed-in person has no registering to do
    "/rounds/":                                             "200 200 200 200 200 200 200 200 200 200",
    "/rounds/{round_slug}/":                                "200 200 200 200 200 200 200 200 200 200",
    "/apply/register/":
        ("200 >   >   >   >   >   >   >   >   >", "/"),
    "/apply/register/sent/":                                "200 200 200 200 200 200 200 200 200 200",
    # a new link for who registered and did not confirm (told the same either way)
    "/apply/verify/":                                       "200 200 200 200 200 200 200 200 200 200",
    # the link confirms the address and signs its owner in, the first time; someone
    # else signed in stays who they are, told the address is confirmed
    "/apply/verify/{verification}/":
        (">   >   >   >   >   >   >   >   >   >", "/"),
    # An applicant's own pages: the Applicant role, and membership of the organisation
    "/apply/":                                              "L   403 403 403 403 403 403 403 200 403",
    "/apply/organisations/new/":                            "L   403 403 403 403 403 403 403 200 403",
    "/apply/organisations/{organisation}/":                 "L   403 403 403 403 403 403 403 200 403",
    "/apply/organisations/{organisation}/join/":            "L   405 405 405 405 405 405 405 405 405",
    "/apply/requests/{join_request}/answer/":               "L   405 405 405 405 405 405 405 405 405",
    "/apply/rounds/{round_slug}/start/":                    "L   403 403 403 403 403 403 403 200 403",
    "/apply/applications/{application}/":                   "L   403 403 403 403 403 403 403 200 403",
    "/apply/applications/{application}/eligibility/":       "L   403 403 403 403 403 403 403 200 403",
    "/apply/applications/{application}/check/":             "L   403 403 403 403 403 403 403 200 403",
    # withdrawing asks first, then is a POST
    "/apply/applications/{submitted_application}/withdraw/":
                                                            "L   403 403 403 403 403 403 403 200 403",
    "/apply/applications/{submitted_application}/documents/{application_document}/":
                                                            "L   403 403 403 403 403 403 403 200 403",
    "/apply/applications/{application}/documents/{application_document}/remove/":
                                                            "L   405 405 405 405 405 405 405 405 405",
    # Staff pages: every staff role reads; only the Officer and CFO set up and run a
    # round; the Panel, Reviewers and applicants reach none of them
    "/staff/rounds/":                                       "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/new/":                                   "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/{round}/":                               "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/{draft_round}/edit/":                    "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/{round}/act/close/":                     "L   405 405 405 405 405 405 405 405 405",
    "/staff/rounds/{round}/extend/":                        "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/{round}/applications.csv":               "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/applications/{submitted_application}/":  "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/applications/{submitted_application}/screen/":
                                                            "L   405 405 405 405 405 405 405 405 405",
    "/staff/rounds/applications/{submitted_application}/documents/{application_document}/":
                                                            "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/join-requests/":                         "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/join-requests/{join_request}/answer/":   "L   405 405 405 405 405 405 405 405 405",
    # Moderation (grant rounds part 2): the ranking, its downloads and the round summary
    # for the Review Panel are staff pages, read by every staff role (docs/grants.md)
    "/staff/rounds/{round}/moderation/":                    "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/{round}/ranking.csv":                    "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/{round}/summary/":                       "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/{round}/summary.pdf":                    "L   200 200 200 200 200 403 403 403 200",
    # End of moderation's rows
    # The Review Panel and the decision drafted from it (grants/urls_panel.py): staff
    # read the panel page; only the Officer and CFO record the panel's work
    "/staff/rounds/{panel_round}/panel/":                   "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/{panel_round}/panel/meeting/":           "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/{panel_round}/panel/decision/":          "L   405 405 405 405 405 405 405 405 405",
    "/staff/rounds/applications/{panel_application}/recommend/":
                                                            "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/applications/{panel_application}/interest/":
                                                            "L   405 405 405 405 405 405 405 405 405",
    # Letters and offers (part: letters; docs/grants.md, "Letters and offers"). Every
    # staff role reads a round's letters and their PDFs; the Officer and CFO edit one
    # until it is sent. An applicant reads their own organisations' sent letters.
    "/staff/rounds/{round}/letters/":                       "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/letters/{unsent_letter}/":               "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/letters/{sent_letter}.pdf":              "L   200 200 200 200 200 403 403 403 200",
    "/apply/letters/{sent_letter}/":                        "L   403 403 403 403 403 403 403 200 403",
    "/apply/letters/{sent_letter}.pdf":                     "L   403 403 403 403 403 403 403 200 403",
}

# The Django admin, by rule: each admin pattern takes the first rule that matches its
# name in full. Only the administrator (is_staff) enters. A signed-in user without
# is_staff is sent to the admin's sign-in page. An anonymous visitor is sent to the
# admin's sign-in by the admin site's own pages, and to the site's sign-in by the model
# pages (LoginRequiredMiddleware knows the admin's login_url only for the former).
# Records that change only through services (funding, commissioning, decisions) are
# read-only there: no add, no delete; their change page is a read-only view.
READ_ONLY_MODELS = (
    "funding_financialyear|funding_fundingstream|funding_allocation|commissioning_provider|"
    "commissioning_agreement|commissioning_agreementdocument|commissioning_monitoringreturn|"
    "decisions_decision|decisions_signoff|decisions_decisionevent|accounts_securityevent|"
    "grants_grantround|grants_roundevent|grants_organisation|grants_membership|"
    "grants_joinrequest|grants_application|grants_applicationdocument|jobs_job"
)
ADMIN_RULES = [
    #  rule: a regular expression matching whole names      anon off cfo ce  mo  pcc pnl rev app adm
    # The admin site's own pages
    (r"admin:login",  # the sign-in form; the administrator goes on to the index
        ("200 200 200 200 200 200 200 200 200 >", "/admin/")),
    (r"admin:logout",  # GET never signs out; who cannot enter is sent to the index
        ("A   >   >   >   >   >   >   >   >   405", "/admin/")),
    (r"admin:index",                                        "A   A   A   A   A   A   A   A   A   200"),
    (r"admin:password_change(_done)?",                      "A   A   A   A   A   A   A   A   A   200"),
    (r"admin:jsi18n",                                       "A   A   A   A   A   A   A   A   A   200"),
    (r"admin:app_list",                                     "A   A   A   A   A   A   A   A   A   200"),
    # autocomplete refuses a request that does not name the field it completes
    (r"admin:autocomplete",                                 "A   A   A   A   A   A   A   A   A   403"),
    (r"admin:view_on_site",  # a decision: to its staff page
        ("A   A   A   A   A   A   A   A   A   >", "http://testserver/staff/decisions/{published}/")),
    (r"admin:.*catch_all_view",                             "A   A   A   A   A   A   A   A   A   404"),
    # Model pages
    (r"admin:django\.views\.generic\.base\.RedirectView",  # <id>/ goes to <id>/change/
        ("L   A   A   A   A   A   A   A   A   >", "{url}change/")),
    (r"admin:auth_user_password_change",                    "L   A   A   A   A   A   A   A   A   200"),
    (r"admin:\w+_changelist",                               "L   A   A   A   A   A   A   A   A   200"),
    (r"admin:\w+_simple_history",                           "L   A   A   A   A   A   A   A   A   200"),
    (r"admin:\w+_history",                                  "L   A   A   A   A   A   A   A   A   200"),
    (r"admin:\w+_change",                                   "L   A   A   A   A   A   A   A   A   200"),
    # records that change only through services: no add, no delete
    (rf"admin:({READ_ONLY_MODELS})_(add|delete)",           "L   A   A   A   A   A   A   A   A   403"),
    # one settings record: never a second, never deleted
    (r"admin:pcc_grants_organisationsettings_(add|delete)", "L   A   A   A   A   A   A   A   A   403"),
    # a reference number once given is never taken back
    (r"admin:decisions_referencecounter_delete",            "L   A   A   A   A   A   A   A   A   403"),
    # sign-in throttling (django-axes): attempts are recorded, never typed in
    (r"admin:axes_\w+_add",                                 "L   A   A   A   A   A   A   A   A   403"),
    # users, groups, funding sources, plan themes, reference counters, sign-in records
    (r"admin:\w+_(add|delete)",                             "L   A   A   A   A   A   A   A   A   200"),
]

# State-dependent answers: the same patterns asked about other objects or states.
STATE_ROWS = [
    # URL asked for                                         anon off cfo ce  mo  pcc pnl rev app adm
    # A published record's staff page is still staff-only: the Panel reads /decisions/<slug>/
    ("/staff/decisions/{published}/",                       "L   200 200 200 200 200 403 403 403 200"),
    # No such record: 404 for staff; the Panel and Reviewer learn nothing either way
    ("/staff/decisions/{missing}/",                         "L   404 404 404 404 404 403 403 403 404"),
    ("/commissioning/documents/{missing}/",                 "L   404 404 404 404 404 403 403 403 404"),
    # a document not published is nobody's to read there, staff included
    ("/transparency/contracts/documents/{document}/",       "404 404 404 404 404 404 404 404 404 404"),
    # Content is frozen from submission on
    ("/staff/decisions/{awaiting}/edit/",                   "L   403 403 403 403 403 403 403 403 403"),
    # Each step only from its states, only by its roles
    ("/staff/decisions/{awaiting}/act/submit/",             "L   403 403 403 403 403 403 403 403 403"),
    ("/staff/decisions/{awaiting}/act/officer_approve/",    "L   403 200 200 403 403 403 403 403 403"),
    ("/staff/decisions/{awaiting}/act/return/",             "L   403 200 200 403 200 403 403 403 403"),
    ("/staff/decisions/{awaiting_decision}/act/approve/",   "L   403 403 403 403 200 403 403 403 403"),
    ("/staff/decisions/{awaiting_decision}/act/reject/",    "L   403 403 403 403 200 403 403 403 403"),
    ("/staff/decisions/{awaiting_decision}/act/return/",    "L   403 200 200 403 200 403 403 403 403"),
    # Separation of duties: the author of a record (here the CFO) cannot approve it
    ("/staff/decisions/{cfo_authored}/act/officer_approve/",
                                                            "L   403 403 200 403 403 403 403 403 403"),
    # A paper signature is recorded by the roles allowed to record one, for any signed
    # step the record awaits; the signer, chosen on the form, is checked when it is sent
    ("/staff/decisions/{awaiting_decision}/paper/approve/", "L   403 403 200 200 403 403 403 403 403"),
    ("/staff/decisions/{cfo_authored}/paper/officer_approve/",
                                                            "L   403 403 200 200 403 403 403 403 403"),
    ("/staff/decisions/{published}/act/decide_publication/",
                                                            "L   403 403 403 403 403 403 403 403 403"),
    ("/staff/decisions/{draft}/act/no-such-step/",          "L   404 404 404 404 404 403 403 403 404"),
    # A Panel member or Reviewer cannot tell which record numbers exist.
    ("/staff/decisions/{missing}/act/submit/",              "L   404 404 404 404 404 403 403 403 404"),
    ("/staff/decisions/{missing}/paper/approve/",           "L   403 403 404 404 403 403 403 403 403"),
    # Paper signatures: only signed steps, only while the record awaits them
    ("/staff/decisions/{draft}/paper/officer_approve/",     "L   403 403 403 403 403 403 403 403 403"),
    ("/staff/decisions/{awaiting}/paper/submit/",           "L   403 403 404 404 403 403 403 403 403"),
    # A closed year refuses every change
    ("/funding/streams/{closed_stream}/edit/",              "L   403 403 403 403 403 403 403 403 403"),
    ("/funding/allocations/{closed_allocation}/edit/",      "L   403 403 403 403 403 403 403 403 403"),
    # An allocation a signed record approved reads as before, and is never edited
    ("/funding/allocations/{frozen_allocation}/",           "L   200 200 200 200 200 403 403 403 200"),
    ("/funding/allocations/{frozen_allocation}/edit/",      "L   403 403 403 403 403 403 403 403 403"),
    # No such year
    ("/funding/position/1999-00/",                          "L   404 404 404 404 404 404 403 403 404"),
    ("/reports/commissioning/1999-00/",                     "L   404 404 404 404 404 404 403 403 404"),
    # The public register shows published records only
    ("/decisions/{awaiting_slug}/",                         "404 404 404 404 404 404 404 404 404 404"),
    ("/decisions/{awaiting_slug}.pdf",                      "404 404 404 404 404 404 404 404 404 404"),
    ("/decisions/no-such-record/",                          "404 404 404 404 404 404 404 404 404 404"),
    # ... and a record the Monitoring Officer decided not to publish has no page of its own
    ("/decisions/{withheld_slug}/",                         "404 404 404 404 404 404 404 404 404 404"),
    ("/decisions/{withheld_slug}.pdf",                      "404 404 404 404 404 404 404 404 404 404"),
    # Grant rounds: a round in draft is nobody's to read in public, nor to apply to
    ("/rounds/{draft_round_slug}/",                         "404 404 404 404 404 404 404 404 404 404"),
    ("/apply/rounds/{draft_round_slug}/start/",             "L   403 403 403 403 403 403 403 404 403"),
    # a link not sent, or changed
    ("/apply/verify/not-a-link/",                           "400 400 400 400 400 400 400 400 400 400"),
    # the exports come as CSV and XLSX only
    ("/staff/rounds/{round}/applications.xlsx",             "L   200 200 200 200 200 403 403 403 200"),
    ("/staff/rounds/{round}/applications.pdf",              "L   404 404 404 404 404 403 403 403 404"),
    # Moderation: the ranking comes as CSV and XLSX only
    ("/staff/rounds/{round}/ranking.xlsx",                  "L   200 200 200 200 200 403 403 403 200"),
    ("/staff/rounds/{round}/ranking.pdf",                   "L   404 404 404 404 404 403 403 403 404"),
    # an open round's questions and limits are fixed
    ("/staff/rounds/{round}/edit/",                         "L   403 403 403 403 403 403 403 403 403"),
    # a draft application is its organisation's until submitted: staff do not see it
    ("/staff/rounds/applications/{application}/",           "L   404 404 404 404 404 403 403 403 404"),
    # a submitted application is frozen: its sections refuse every change
    ("/apply/applications/{submitted_application}/eligibility/",
                                                            "L   403 403 403 403 403 403 403 403 403"),
    # another organisation's application, and organisation, do not exist for this one
    ("/apply/applications/{other_application}/",            "L   403 403 403 403 403 403 403 404 403"),
    ("/apply/applications/{other_application}/check/",      "L   403 403 403 403 403 403 403 404 403"),
    ("/apply/organisations/{other_organisation}/",          "L   403 403 403 403 403 403 403 404 403"),
    # The Review Panel: its page reads any round; its work is recorded only while the
    # round is in review (the world's open round is not)
    ("/staff/rounds/{round}/panel/",                        "L   200 200 200 200 200 403 403 403 200"),
    ("/staff/rounds/{round}/panel/meeting/",                "L   403 403 403 403 403 403 403 403 403"),
    ("/staff/rounds/applications/{submitted_application}/recommend/",
                                                            "L   403 403 403 403 403 403 403 403 403"),
    # Letters and offers (part: letters): a sent letter is never edited; an applicant
    # finds neither a letter not sent yet nor another organisation's
    ("/staff/rounds/letters/{sent_letter}/",                "L   403 403 403 403 403 403 403 403 403"),
    ("/apply/letters/{unsent_letter}/",                     "L   403 403 403 403 403 403 403 404 403"),
    ("/apply/letters/{unsent_letter}.pdf",                  "L   403 403 403 403 403 403 403 404 403"),
    ("/apply/letters/{other_letter}/",                      "L   403 403 403 403 403 403 403 404 403"),
]

# Actions, POSTed: each in a savepoint of its own, so what one does is undone before
# the next. Public money is committed by a decision, or directly by a role that the
# organisation settings delegate it to (the world's settings: the Chief Finance Officer,
# up to £5,000), and never by the admin (docs/funding.md, "Who may do what").
ALLOCATION_PAGE = "/funding/allocations/{allocation}/"
FROZEN_PAGE = "/funding/allocations/{frozen_allocation}/"
POST_ROWS = [
    # URL posted to, what is posted (POSTED below), then the ten answers
    #                                                       anon off cfo ce  mo  pcc pnl rev app adm
    ("/funding/allocations/{allocation}/approve/", "",  # £1,000, proposed
        ("L   403 >   403 403 403 403 403 403 403", ALLOCATION_PAGE)),
    ("/funding/allocations/{large_allocation}/approve/", "",  # £9,400: over the limit
                                                            "L   403 403 403 403 403 403 403 403 403"),
    ("/funding/allocations/{allocation}/withdraw/", "",
        ("L   >   >   403 403 403 403 403 403 403", ALLOCATION_PAGE)),
    # Approved by a signed record: marked contracted by editors (the signed agreement),
    # never approved again, edited or withdrawn (a change is a new record, a variation)
    ("/funding/allocations/{frozen_allocation}/approve/", "",
                                                            "L   403 403 403 403 403 403 403 403 403"),
    ("/funding/allocations/{frozen_allocation}/contract/", "",
        ("L   >   >   403 403 403 403 403 403 403", FROZEN_PAGE)),
    ("/funding/allocations/{frozen_allocation}/withdraw/", "",
                                                            "L   403 403 403 403 403 403 403 403 403"),
    ("/funding/allocations/{frozen_allocation}/edit/", "allocation",
                                                            "L   403 403 403 403 403 403 403 403 403"),
    # An import's approved row: only from someone who may approve it directly
    ("/funding/import/", "import approved £1,000",          "L   R   200 403 403 403 403 403 403 403"),
    ("/funding/import/", "import approved £9,400",          "L   R   R   403 403 403 403 403 403 403"),
    # The Review Panel's recommendation: the Officer and CFO only, back to the panel page
    ("/staff/rounds/applications/{panel_application}/recommend/", "recommendation",
        ("L   >   >   403 403 403 403 403 403 403", "/staff/rounds/{panel_round}/panel/")),
]
# Grant rounds part 2, importing a past round (docs/grants.md, "Importing a past round"):
# the Officer and CFO only; a posted workbook is checked and previewed, nothing saved
TABLE.update({
    "/staff/rounds/import/":                                "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/import/confirm/":                        "L   405 405 405 405 405 405 405 405 405",
    "/staff/rounds/import/template.xlsx":                   "L   200 200 403 403 403 403 403 403 403",
})
POST_ROWS += [
    ("/staff/rounds/import/", "round workbook",             "L   200 200 403 403 403 403 403 403 403"),
    # confirming nothing: no such check job
    ("/staff/rounds/import/confirm/", "",                   "L   404 404 403 403 403 403 403 403 403"),
]
# fmt: on


def _import_row(amount: str) -> Callable:
    def posted(world: "World") -> dict:
        content = (
            "financial_year,funding_stream,recipient,title,amount,status\n"
            f"2016/17,Victims' Services,Victim Support,Helpline,{amount},approved\n"
        )
        upload = SimpleUploadedFile("allocations.csv", content.encode())
        return {"kind": "allocations", "file": upload}

    return posted


POSTED = {
    "": lambda world: {},
    "allocation": lambda world: {
        "funding_stream": world.ids["stream"],
        "title": "Support for child victims",
        "amount": "94,000",
    },
    "import approved £1,000": _import_row("1000"),
    "import approved £9,400": _import_row("9400"),
    "recommendation": lambda world: {"outcome": "award", "reasons": "Strong evidence of need."},
}


# Grant rounds, part 2: reviewers, declarations of interest and scoring -------------------
# fmt: off
TABLE.update({
    #                                                       anon off cfo ce  mo  pcc pnl rev app adm
    # A reviewer's own pages: only the reviews assigned to them (the world's Reviewer has
    # declared no conflict on the submitted application)
    "/review/":                                             "L   403 403 403 403 403 403 200 403 403",
    "/review/{review}/":                                    "L   403 403 403 403 403 403 200 403 403",
    "/review/{review}/declare/":                            "L   405 405 405 405 405 405 405 405 405",
    "/review/{review}/documents/{application_document}/":   "L   403 403 403 403 403 403 200 403 403",
    # a new reviewer's link to set a password: without a valid token it says so
    "/review/welcome/MQ/not-a-token/":                      "200 200 200 200 200 200 200 200 200 200",
    # Staff pages of the review: every staff role reads; the Officer and CFO change
    "/staff/rounds/reviewers/":                             "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/reviewers/new/":                         "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/reviewers/staff/":                       "L   200 200 403 403 403 403 403 403 403",
    "/staff/rounds/{round}/reviewers/":                     "L   200 200 200 200 200 403 403 403 200",
    "/staff/rounds/{round}/reviewers/assign/":              "L   405 405 405 405 405 405 405 405 405",
    "/staff/rounds/{round}/reviewers/assign-one/":          "L   405 405 405 405 405 405 405 405 405",
    "/staff/rounds/reviews/{review}/reopen/":               "L   405 405 405 405 405 405 405 405 405",
})
STATE_ROWS += [
    # Another reviewer's review, and one the Reviewer declared a conflict on, do not exist
    # for them (acceptance point 3 of issue 18)
    ("/review/{others_review}/",                            "L   403 403 403 403 403 403 404 403 403"),
    ("/review/{others_review}/documents/{application_document}/",
                                                            "L   403 403 403 403 403 403 404 403 403"),
    ("/review/{conflicted_review}/",                        "L   403 403 403 403 403 403 404 403 403"),
    ("/review/{conflicted_review}/documents/{conflicted_document}/",
                                                            "L   403 403 403 403 403 403 404 403 403"),
]
POST_ROWS += [
    # Scores and declarations posted to a review not theirs, or conflicted: refused
    ("/review/{others_review}/", "scores",                  "L   403 403 403 403 403 403 404 403 403"),
    ("/review/{conflicted_review}/", "scores",              "L   403 403 403 403 403 403 404 403 403"),
    ("/review/{others_review}/declare/", "no conflict",     "L   403 403 403 403 403 403 404 403 403"),
    ("/review/{conflicted_review}/declare/", "no conflict", "L   403 403 403 403 403 403 404 403 403"),
    # the round is open: nobody assigns, scores or reopens yet
    ("/staff/rounds/{round}/reviewers/assign-one/", "assign",
        ("L   >   >   403 403 403 403 403 403 403", "/staff/rounds/{round}/reviewers/")),
]
# fmt: on
POSTED.update(
    {
        "scores": lambda world: {
            f"score_{world.ids['criterion']}": "5",
            "recommendation": "fund",
            "action": "submit",
        },
        "no conflict": lambda world: {"declaration": "no_conflict"},
        "assign": lambda world: {
            "application": world.ids["submitted_application"],
            "reviewer": world.ids["reviewer"],
        },
    }
)


def _reviewing_world(users, ids) -> dict:
    """The Reviewer's review of the submitted application (no conflict declared), another
    reviewer's review of it, and the Reviewer's conflicted review of a second submitted
    application. The round is open, so the reviews are made straight in the tables."""
    from grants.models import Application, Declaration, Review, Reviewer, ReviewStatus

    submitted = Application.objects.get(pk=ids["submitted_application"])
    second = grant_services.application_start(
        by=users[Role.APPLICANT],
        grant_round=submitted.grant_round,
        organisation=submitted.organisation,
    )
    grant_round = submitted.grant_round
    grant_services.application_save(
        application=second,
        by=users[Role.APPLICANT],
        title="Outreach",
        amount_requested=Decimal("300"),
        project_start=date(2016, 4, 1),
        project_end=date(2017, 3, 31),
        eligibility={grant_round.eligibility_questions.get().pk: "confirmed"},
        responses={grant_round.questions.get().pk: "Outreach to victims."},
        lines=[("Leaflets", Decimal("300"))],
    )
    document = grant_services.application_document_add(
        application=second,
        by=users[Role.APPLICANT],
        required_document=grant_round.required_documents.get(),
        upload=SimpleUploadedFile("accounts.pdf", PDF),
    )
    second = grant_services.application_submit(application=second, by=users[Role.APPLICANT])
    reviewer = Reviewer.objects.create(user=users[Role.REVIEWER], organisation="Independent")
    other = Reviewer.objects.create(user=UserFactory(username="other-reviewer"))
    started = {"status": ReviewStatus.IN_PROGRESS, "declaration": Declaration.NO_CONFLICT}
    review = Review.objects.create(application=submitted, reviewer=reviewer, **started)
    others = Review.objects.create(application=submitted, reviewer=other, **started)
    conflicted = Review.objects.create(
        application=second,
        reviewer=reviewer,
        status=ReviewStatus.CONFLICTED,
        declaration=Declaration.CONFLICT,
        conflict_nature="A trustee.",
    )
    return {
        "reviewer": reviewer.pk,
        "review": review.pk,
        "others_review": others.pk,
        "conflicted_review": conflicted.pk,
        "conflicted_document": document.pk,
        "criterion": grant_round.criteria.get().pk,
    }


# Grant rounds part 2, importing a past round: the template workbook, which names the
# world's stream only by year, pointed at its "Victims' Services" in 2016/17.
def _round_workbook(world: "World") -> dict:
    import io

    from openpyxl import load_workbook

    from grants.importing_workbook import template_workbook

    book = load_workbook(io.BytesIO(template_workbook()))
    for row in book["round"].iter_rows(min_row=2):
        field_name, value = row[0].value, row[1]
        value.value = {
            "funding_stream": "Victims' Services",
            "financial_year": "2016/17",
            "budget": 400,
            "maximum_award": 400,
            "minimum_award": 0,
        }.get(field_name, value.value)
    out = io.BytesIO()
    book.save(out)
    return {"file": SimpleUploadedFile("round.xlsx", out.getvalue())}


POSTED["round workbook"] = _round_workbook


@dataclass(frozen=True)
class Expectation:
    codes: tuple[str, ...]
    target: str | dict = ""  # where ">" redirects to (a dict: by column)

    @classmethod
    def parse(cls, value) -> "Expectation":
        codes, target = (value, "") if isinstance(value, str) else value
        return cls(tuple(codes.split()), target)

    def for_column(self, column) -> str:
        return self.codes[COLUMNS.index(column)]

    def target_for(self, column) -> str:
        return self.target.get(column, "") if isinstance(self.target, dict) else self.target


# Which pattern each row stands for ---------------------------------------------------------

ENDPOINTS = list(iter_endpoints())


def _route_of(template: str) -> str | None:
    """The route of the pattern a row's URL asks for (any object will do to find it)."""
    # A job's key is a UUID; every other object's here is a number or a slug.
    sample = defaultdict(lambda: "1", job="00000000-0000-0000-0000-000000000001")
    try:
        return resolve(template.format_map(sample)).route
    except Resolver404:
        return None


ROWS_BY_ROUTE: dict[str, list[str]] = defaultdict(list)
for _template in TABLE:
    ROWS_BY_ROUTE[_route_of(_template)].append(_template)


def _entry(endpoint: Endpoint) -> tuple[str, str | None, Expectation] | None:
    """(what matched, the row's URL or None for an admin rule, the expectation)."""
    rows = ROWS_BY_ROUTE.get(endpoint.route)
    if rows:
        return rows[0], rows[0], Expectation.parse(TABLE[rows[0]])
    if endpoint.name.startswith("admin:"):
        for rule, value in ADMIN_RULES:
            if re.fullmatch(rule, endpoint.name):
                return rule, None, Expectation.parse(value)
    return None


_NAME_COUNT = Counter(endpoint.name for endpoint in ENDPOINTS)


def _case_id(endpoint: Endpoint) -> str:
    if _NAME_COUNT[endpoint.name] == 1:
        return endpoint.name
    return f"{endpoint.name}[{endpoint.route}]"


# The world ---------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    clients: dict = field(default_factory=dict)  # column -> Client
    ids: dict = field(default_factory=dict)  # {name} in the tables -> value
    admin_objects: dict = field(default_factory=dict)  # "app.model" -> (pk, history id)


def _decision(officer, title: str, allocations=()) -> Decision:
    return decision_services.decision_create(
        by=officer,
        lead_officer=officer,
        title=title,
        executive_summary="The project in Darlington has achieved successful outcomes.",
        decision="Agree the allocation of £9,400 to extend the project.",
        lines=[("Support Coordinator", Decimal("9400"))],
        allocations=allocations,
    )


def _advance(decision: Decision, steps) -> Decision:
    for user, action, extra in steps:
        decision = decision_services.decision_transition(
            decision=decision,
            by=user,
            action=action,
            password=PASSWORD,
            code=signing_code(user, action),
            **extra,
        )
    return decision


def _grant_rounds(officer, applicant, stream) -> dict:
    """An open round to which the applicant's organisation has a draft and a submitted
    application (with a document), a round still in draft, and a request to join."""
    now = timezone.now()
    parts = {
        "criteria": [{"name": "Need", "weight_percent": Decimal("100")}],
        "eligibility": [{"text": "We are a not-for-profit organisation.", "kind": "confirm"}],
        "questions": [{"text": "What will the project do?", "word_limit": 100}],
        "documents": [{"name": "Latest accounts"}],
    }
    limits = {"budget": Decimal("500"), "maximum_award": Decimal("400")}
    grant_round = grant_services.round_create(
        by=officer,
        funding_stream=stream,
        name="Community Grant",
        guidance="Projects that make the county safer.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
        several_applications=True,
        **limits,
        **parts,
    )
    grant_round = grant_services.round_transition(
        grant_round=grant_round, by=officer, action="open"
    )
    draft_round = grant_services.round_create(
        by=officer, funding_stream=stream, name="Next year's grant", **limits
    )
    organisation = grant_applicants.organisation_create(
        by=applicant, name="Living Without Abuse", charity_number="1155789"
    )
    start = {"by": applicant, "grant_round": grant_round, "organisation": organisation}
    draft = grant_services.application_start(**start)
    submitted = grant_services.application_start(**start)
    grant_services.application_save(
        application=submitted,
        by=applicant,
        title="Helpline",
        amount_requested=Decimal("400"),
        project_start=date(2016, 4, 1),
        project_end=date(2017, 3, 31),
        eligibility={grant_round.eligibility_questions.get().pk: "confirmed"},
        responses={grant_round.questions.get().pk: "A helpline for victims."},
        lines=[("Phones", Decimal("400"))],
    )
    document = grant_services.application_document_add(
        application=submitted,
        by=applicant,
        required_document=grant_round.required_documents.get(),
        upload=SimpleUploadedFile("accounts.pdf", PDF),
    )
    submitted = grant_services.application_submit(application=submitted, by=applicant)
    joiner = UserFactory(username="joiner", roles=[Role.APPLICANT])
    join_request = grant_applicants.join_request_create(by=joiner, organisation=organisation)
    other = grant_applicants.organisation_create(by=joiner, name="Leicester Warriors")
    other_application = grant_services.application_start(
        by=joiner, grant_round=grant_round, organisation=other
    )
    newcomer = grant_applicants.applicant_register(
        email="newcomer@example.org", full_name="New Comer", password=PASSWORD
    )
    return {
        "round": grant_round.pk,
        "round_slug": grant_round.slug,
        "draft_round": draft_round.pk,
        "draft_round_slug": draft_round.slug,
        "organisation": organisation.pk,
        "application": draft.pk,
        "submitted_application": submitted.pk,
        "application_document": document.pk,
        "join_request": join_request.pk,
        "other_organisation": other.pk,
        "other_application": other_application.pk,
        "verification": grant_applicants.verification_token(newcomer),
    }


def _panel_round(officer, stream) -> dict:
    """The Review Panel: a round in review with a scored application and a meeting."""
    from tests.grants.panel_data import meet, reviewed_round

    grant_round, (application,) = reviewed_round(
        officer, stream, [("400", [4, 4, 4])], name="Reviewed grant"
    )
    meet(grant_round, officer)
    return {"panel_round": grant_round.pk, "panel_application": application.pk}


# Letters and offers (part: letters) --------------------------------------------------


def _letters(ids: dict) -> dict:
    """Letters of the grant rounds' applications, made as rows: an offer sent to the
    applicant's organisation, an outcome letter to it not sent yet, and an outcome
    letter sent to another organisation."""
    from grants.models import Application, Letter, LetterKind

    submitted = Application.objects.get(pk=ids["submitted_application"])
    other = Application.objects.get(pk=ids["other_application"])
    sent = {"sent_at": timezone.now(), "sha256": "0" * 64}
    offer = Letter.objects.create(
        application=submitted,
        kind=LetterKind.OFFER,
        body="Dear Ann, a grant of £400.",
        amount=Decimal("400"),
        period_start=date(2016, 4, 1),
        period_end=date(2017, 3, 31),
        terms="1. The grant is used for the project.",
        terms_sha256="1" * 64,
        **sent,
    )
    unsent = Letter.objects.create(
        application=submitted, kind=LetterKind.OUTCOME, body="Dear Ann, not this time."
    )
    other_letter = Letter.objects.create(
        application=other, kind=LetterKind.OUTCOME, body="Dear Leicester Warriors.", **sent
    )
    return {"sent_letter": offer.pk, "unsent_letter": unsent.pk, "other_letter": other_letter.pk}


def _build_world() -> World:
    world = World()
    ids = world.ids
    OrganisationSettingsFactory(delegated_approval_limit=Decimal("5000"))
    users = {}
    for role in Role:
        administrator = role == Role.ADMINISTRATOR
        username = "table-" + re.sub(r"\W+", "-", role.value.lower())
        users[role] = UserFactory(
            username=username,
            roles=[role],
            is_staff=administrator,
            is_superuser=administrator,
        )
    officer = users[Role.OFFICER]

    # Funding: an open year with a stream and an allocation, a closed year with the same.
    year = FinancialYearFactory(start_year=2016)
    source = FundingSource.objects.create(name="Ministry of Justice")
    theme = PlanTheme.objects.create(name="Victims and witnesses")
    stream = FundingStreamFactory(financial_year=year, source=source, name="Victims' Services")
    provider = ProviderFactory(name="Embrace Child Victims of Crime")
    allocation = AllocationFactory(funding_stream=stream, recipient=provider, theme=theme)
    large_allocation = AllocationFactory(
        funding_stream=stream, recipient=provider, amount=Decimal("9400")
    )
    frozen_allocation = AllocationFactory(
        funding_stream=stream, recipient=provider, amount=Decimal("9400")
    )
    closed_year = FinancialYearFactory(start_year=2015)
    closed_stream = FundingStreamFactory(financial_year=closed_year, name="Last year's pot")
    closed_allocation = AllocationFactory(funding_stream=closed_stream, recipient=provider)
    funding_services.financial_year_close(year=closed_year, by=None)

    # Commissioning: an agreement with its returns and a document.
    agreement = commissioning_services.agreement_create(
        by=None,
        reference="VS-1",
        provider=provider,
        route=CommissioningRoute.GRANT,
        title="Support for child victims",
        total_value=Decimal("1000"),
        start_date=date(2016, 4, 1),
        end_date=date(2017, 3, 31),
        monitoring_frequency=MonitoringFrequency.TWICE_YEARLY,
    )
    document = commissioning_services.agreement_document_add(
        agreement=agreement, upload=SimpleUploadedFile("agreement.pdf", PDF), by=officer
    )
    published_document = commissioning_services.agreement_document_publish(
        document=commissioning_services.agreement_document_add(
            agreement=agreement, upload=SimpleUploadedFile("contract.pdf", PDF), by=officer
        ),
        by=officer,
    )
    monitoring_return = agreement.returns.order_by("pk").first()

    # Decision records: a draft with an attachment, one awaiting officer approval, one
    # awaiting the decision, one published, and one the Monitoring Officer withheld.
    ce, commissioner = users[Role.CHIEF_EXECUTIVE], users[Role.COMMISSIONER]
    monitoring_officer = users[Role.MONITORING_OFFICER]
    draft = _decision(officer, "A draft")
    attachment = decision_services.decision_attachment_add(
        decision=draft, upload=SimpleUploadedFile("request.pdf", PDF), by=officer
    )
    submit = (officer, "submit", {})
    officer_approve = (ce, "officer_approve", {})
    awaiting = _advance(_decision(officer, "Awaiting officer approval"), [submit])
    cfo = users[Role.CHIEF_FINANCE_OFFICER]
    cfo_authored = _advance(_decision(cfo, "Drafted by the CFO"), [(cfo, "submit", {})])
    awaiting_decision = _advance(
        _decision(officer, "Awaiting the decision"), [submit, officer_approve]
    )
    published = _advance(
        _decision(officer, "Published", allocations=[frozen_allocation]),
        [
            submit,
            officer_approve,
            (commissioner, "approve", {}),
            (monitoring_officer, "decide_publication", {"publication": ALL_PUBLISHED}),
        ],
    )
    withheld_parts = {
        part: {
            "choice": "withhold",
            "exemption": "s31",
            "public_interest": "Publishing would prejudice the prevention of crime.",
        }
        for part in ALL_PUBLISHED
    }
    withheld = _advance(
        _decision(officer, "Not published"),
        [
            submit,
            officer_approve,
            (commissioner, "approve", {}),
            (monitoring_officer, "decide_publication", {"publication": withheld_parts}),
        ],
    )
    assert (published.status, withheld.status) == ("published", "not_published")

    ids.update(_grant_rounds(officer, users[Role.APPLICANT], stream))
    ids.update(_reviewing_world(users, ids))
    ids.update(_panel_round(officer, stream))  # the Review Panel
    ids.update(_letters(ids))  # Letters and offers (part: letters)
    frozen_allocation.refresh_from_db()
    assert frozen_allocation.status == "approved"

    ids.update(
        year=year.slug,
        stream=stream.pk,
        allocation=allocation.pk,
        large_allocation=large_allocation.pk,
        frozen_allocation=frozen_allocation.pk,
        closed_stream=closed_stream.pk,
        closed_allocation=closed_allocation.pk,
        provider=provider.pk,
        agreement=agreement.pk,
        document=document.pk,
        published_document=published_document.pk,
        draft=draft.pk,
        attachment=attachment.pk,
        awaiting=awaiting.pk,
        awaiting_slug=awaiting.slug,
        awaiting_decision=awaiting_decision.pk,
        cfo_authored=cfo_authored.pk,
        published=published.pk,
        published_slug=published.slug,
        withheld_slug=withheld.slug,
        missing=999_999,
        decision_content_type=ContentType.objects.get_for_model(Decision).pk,
    )
    ids["return"] = monitoring_return.pk

    # Someone outside the columns with a second factor, and the history it left.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import SecurityEvent

    holder = UserFactory(username="holder", roles=[Role.OFFICER])
    ids["totp"] = TOTPDevice.objects.create(user=holder, name="Phone", confirmed=True).pk

    # A job the officer started, finished with a file to download.
    from django.core.files.base import ContentFile

    from jobs.models import Job, JobStatus

    job = Job(kind="mail.send", title="A job", created_by=officer, status=JobStatus.FINISHED)
    job.result_file.save("result.csv", ContentFile(b"a,b\n"), save=False)
    job.result_name = "result.csv"
    job.save()
    ids["job"] = job.pk
    ids["officer"] = officer.pk
    SecurityEvent.objects.create(
        user=holder, action="authenticator_added", by=holder, by_name=str(holder)
    )

    if apps.is_installed("axes"):  # sign-in throttling records, for their admin pages
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        seen = {"user_agent": "pytest", "ip_address": "192.0.2.1", "username": "nobody"}
        AccessAttempt.objects.create(**seen, failures_since_start=1)
        AccessLog.objects.create(**seen)
        AccessFailureLog.objects.create(**seen)

    # One object of every model the admin shows (and a version, where it keeps history).
    lacking = []
    for model in django_admin.site._registry:
        record = model._default_manager.order_by("pk").first()
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        if record is None:
            lacking.append(key)
            continue
        history = getattr(record, "history", None)
        version = history.order_by("history_id").first().history_id if history else None
        world.admin_objects[key] = (record.pk, version)
    assert not lacking, f"The world needs one of each: {', '.join(lacking)}"
    assert OrganisationSettings.objects.count() == 1
    assert User.objects.filter(username__startswith="table-").count() == len(Role)

    world.clients[ANONYMOUS] = Client()
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        world.clients[role] = client
    return world


# Signatures re-ask passwords: a fast hasher keeps building the world quick.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end;
    each test runs in its own savepoint within it."""
    media = tmp_path_factory.mktemp("permission-table-media")
    fast = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS)
    with django_db_blocker.unblock(), fast, transaction.atomic():
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)


def _admin_url(endpoint: Endpoint, world: World) -> str:
    name, ids = endpoint.name, world.ids
    if name == "admin:view_on_site":
        return reverse(name, args=[ids["decision_content_type"], ids["published"]])
    if name == "admin:app_list":
        return reverse(name, args=["funding"])
    if name.endswith("catch_all_view"):
        return "/admin/no-such-page/"
    found = re.match(r"admin/(\w+)/(\w+)/", endpoint.route)
    key = f"{found[1]}.{found[2]}" if found else ""
    if key not in world.admin_objects:
        return reverse(name)
    pk, version = world.admin_objects[key]
    if name.endswith(("_changelist", "_add")):
        return reverse(name)
    if name.endswith("_simple_history"):
        return reverse(name, args=[pk, version])
    if name.endswith(("_change", "_delete", "_history")):
        return reverse(name, args=[pk])
    return f"/admin/{found[1]}/{found[2]}/{pk}/"  # the object's URL without a verb


# Asking ------------------------------------------------------------------------------------


def _described(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def _meets(response, code: str, url: str, target: str) -> bool:
    if code.isdigit():
        return response.status_code == int(code)
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    if code in ("L", "A"):
        sign_in = "/accounts/login/" if code == "L" else "/admin/login/"
        return location.path == sign_in and parse_qs(location.query).get("next") == [url]
    return response.headers["Location"] == target


def _ask(world: World, column, url: str, code: str, target_template: str, why: str):
    target = target_template.format(url=url, **world.ids) if target_template else ""
    response = world.clients[column].get(url)
    expected = {"L": "302 → sign in", "A": "302 → admin sign in", ">": f"302 → {target}"}
    assert _meets(response, code, url, target), (
        f"GET {url} as {column.label if isinstance(column, Role) else column} ({why}): "
        f"expected {expected.get(code, code)}, got {_described(response)}"
    )


PATTERN_CASES = [
    pytest.param(endpoint, column, id=f"{_case_id(endpoint)}-{SHORT[column]}")
    for endpoint in ENDPOINTS
    if _entry(endpoint)
    for column in COLUMNS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "column"), PATTERN_CASES)
def test_every_pattern_answers_every_role_as_the_table_says(world, endpoint, column):
    matched, template, expectation = _entry(endpoint)
    url = _admin_url(endpoint, world) if template is None else template.format(**world.ids)
    assert resolve(url).route == endpoint.route, f"{url} does not ask for {endpoint.name}"
    code = expectation.for_column(column)
    target = expectation.target_for(column)
    _ask(world, column, url, code, target, f"{endpoint.name}, row {matched!r}")


STATE_CASES = [
    pytest.param(template, value, column, id=f"{template}-{SHORT[column]}")
    for template, value in STATE_ROWS
    for column in COLUMNS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "value", "column"), STATE_CASES)
def test_state_dependent_answers(world, template, value, column):
    expectation = Expectation.parse(value)
    url = template.format(**world.ids)
    target = expectation.target_for(column)
    _ask(world, column, url, expectation.for_column(column), target, "state row")


POST_CASES = [
    pytest.param(template, posted, value, column, id=f"POST {template} {posted}-{SHORT[column]}")
    for template, posted, value in POST_ROWS
    for column in COLUMNS
]


def _refuses_the_row(response) -> bool:
    result = response.context and response.context.get("result")
    return bool(
        response.status_code == 200
        and result
        and not result["saved"]
        and any(error["row"] == 2 and error["column"] == "status" for error in result["errors"])
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "posted", "value", "column"), POST_CASES)
def test_actions_answer_every_role_as_the_table_says(world, template, posted, value, column):
    expectation = Expectation.parse(value)
    url = template.format(**world.ids)
    code = expectation.for_column(column)
    target = expectation.target_for(column)
    target = target.format(**world.ids) if target else ""
    response = world.clients[column].post(url, POSTED[posted](world))
    if response.status_code == 302 and response["Location"].startswith("/jobs/"):
        # An upload to import answers with the page of the job that checks it.
        response = world.clients[column].get(response["Location"])
    who = column.label if isinstance(column, Role) else column
    if code == "R":
        assert _refuses_the_row(response), f"POST {url} ({posted}) as {who}: expected R"
        return
    if code == "200" and response.context and response.context.get("result"):
        result = response.context["result"]  # an import job's report
        problems = result.get("errors", result.get("problems"))
        assert problems == [], f"POST {url} ({posted}) as {who}: {problems}"
    assert _meets(response, code, url, target), (
        f"POST {url} ({posted}) as {who}: expected {code}, got {_described(response)}"
    )


# The table itself --------------------------------------------------------------------------


def test_every_url_pattern_has_a_row():
    missing = [
        f"{endpoint.name} ({endpoint.route})" for endpoint in ENDPOINTS if not _entry(endpoint)
    ]
    assert missing == [], (
        "URL patterns with no row in tests/test_permission_table.py (add one saying what "
        "a GET answers to each role):\n" + "\n".join(missing)
    )


def test_the_table_has_no_stale_rows():
    routes = {endpoint.route for endpoint in ENDPOINTS}
    problems = [
        f"{template}: no such URL pattern"
        for template in TABLE
        if _route_of(template) not in routes
    ]
    problems += [
        f"{', '.join(templates)}: several rows for one pattern"
        for route, templates in ROWS_BY_ROUTE.items()
        if route is not None and len(templates) > 1
    ]
    chosen = {entry[0] for entry in map(_entry, ENDPOINTS) if entry}
    problems += [
        f"admin rule {rule!r} is the first match of no pattern"
        for rule, _ in ADMIN_RULES
        if rule not in chosen
    ]
    problems += [
        f"state row {template}: no such URL pattern"
        for template, _ in STATE_ROWS
        if _route_of(template) not in routes
    ]
    problems += [
        f"POST row {template}: no such URL pattern"
        for template, _, _ in POST_ROWS
        if _route_of(template) not in routes
    ]
    assert problems == [], "\n".join(problems)


def test_the_table_has_a_column_for_every_role_and_a_valid_answer_in_each():
    assert set(COLUMNS[1:]) == set(Role) and len(COLUMNS) == len(Role) + 1
    values = [*TABLE.values(), *(value for _, value in ADMIN_RULES)]
    values += [value for _, value in STATE_ROWS]
    values += [value for _, _, value in POST_ROWS]
    for value in values:
        expectation = Expectation.parse(value)
        assert len(expectation.codes) == len(COLUMNS), value
        assert set(expectation.codes) <= CODES, value
        assert (">" in expectation.codes) == bool(expectation.target), value
