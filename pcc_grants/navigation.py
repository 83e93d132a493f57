"""The navigation: one table of menu entries and the roles that see each."""

from dataclasses import dataclass

from django.urls import reverse

from .roles import STAFF_ROLES, Role, user_roles

ANY_SIGNED_IN = frozenset(Role)
APPLICANTS = frozenset({Role.APPLICANT})
REVIEWERS = frozenset({Role.REVIEWER})


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    section: str = ""


FUNDING_EDITORS = frozenset({Role.OFFICER, Role.CHIEF_FINANCE_OFFICER})

NAVIGATION = (
    # A reviewer's home is their reviews (a member of staff who reviews keeps both).
    NavItem("Dashboard", "home", ANY_SIGNED_IN - APPLICANTS - REVIEWERS),
    NavItem("Your reviews", "grants_review:reviews", REVIEWERS),
    NavItem("Your applications", "grants_apply:account", APPLICANTS),
    NavItem("Grant rounds open", "grants_public:rounds", APPLICANTS),
    NavItem("Funding streams", "funding:stream_list", STAFF_ROLES, "Funding"),
    NavItem("Allocations", "funding:allocation_list", STAFF_ROLES, "Funding"),
    NavItem(
        "Funding position",
        "funding:position_current",
        STAFF_ROLES | {Role.PANEL_MEMBER},
        "Funding",
    ),
    NavItem("Import from a file", "funding:import", FUNDING_EDITORS, "Funding"),
    NavItem("Providers", "commissioning:provider_list", STAFF_ROLES, "Commissioning"),
    NavItem("Agreements", "commissioning:agreement_list", STAFF_ROLES, "Commissioning"),
    NavItem(
        "Overdue monitoring returns",
        "commissioning:return_list",
        STAFF_ROLES,
        "Commissioning",
    ),
    NavItem("Contracts register", "commissioning:contracts", STAFF_ROLES, "Commissioning"),
    # Grant rounds spend funding streams: under Funding, so the menu fits a 1280px screen.
    NavItem("Grant rounds", "grants:rounds", STAFF_ROLES, "Funding"),
    NavItem("Requests to join organisations", "grants:join_requests", STAFF_ROLES, "Funding"),
    NavItem("Decision records", "decisions:list", STAFF_ROLES),
    NavItem("Reports for the panel", "reports:index", STAFF_ROLES | {Role.PANEL_MEMBER}),
    NavItem("Decision register", "register:list", ANY_SIGNED_IN, "Published"),
    NavItem("Grants register", "grants_register", ANY_SIGNED_IN, "Published"),
    NavItem("Administration", "admin:index", frozenset({Role.ADMINISTRATOR})),
    NavItem(
        "Organisation settings",
        "admin:pcc_grants_organisationsettings_changelist",
        frozenset({Role.ADMINISTRATOR}),
    ),
)


def menu_for(user, current: str = "") -> list[dict]:
    """The menu entries the user's roles allow, entries of a section grouped under it."""
    roles = user_roles(user)
    menu: list[dict] = []
    sections: dict[str, dict] = {}
    for item in NAVIGATION:
        if not roles & item.roles:
            continue
        entry = {
            "label": item.label,
            "url": reverse(item.url_name),
            "url_name": item.url_name,
            "current": item.url_name == current,
        }
        if not item.section:
            menu.append(entry)
            continue
        if item.section not in sections:
            sections[item.section] = {"label": item.section, "children": [], "current": False}
            menu.append(sections[item.section])
        sections[item.section]["children"].append(entry)
        sections[item.section]["current"] |= entry["current"] or current.startswith(
            item.url_name.split(":")[0] + ":"
        )
    return menu


def menu_labels(menu: list[dict]) -> list[str]:
    """Every label in a menu, sections first then their entries."""
    labels = []
    for entry in menu:
        labels.append(entry["label"])
        labels.extend(item["label"] for item in entry.get("children", []))
    return labels
