"""The roles of the product, held as Django groups (a user may hold several).

The group names are the role values; a data migration creates them.
"""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "Officer"
    CHIEF_FINANCE_OFFICER = "Chief Finance Officer"
    CHIEF_EXECUTIVE = "Chief Executive"
    MONITORING_OFFICER = "Monitoring Officer"
    COMMISSIONER = "Commissioner"
    PANEL_MEMBER = "Panel member", "Panel member"
    REVIEWER = "Reviewer"
    ADMINISTRATOR = "Administrator"
    # A member of an organisation that applies for grants: outside the office, they
    # reach their own organisation's applications and nothing of the staff's.
    APPLICANT = "Applicant"


# Roles that work inside the OPCC. Panel members and reviewers are outside it:
# they read what is published or scored, and never reach staff records.
STAFF_ROLES = frozenset(
    {
        Role.OFFICER,
        Role.CHIEF_FINANCE_OFFICER,
        Role.CHIEF_EXECUTIVE,
        Role.MONITORING_OFFICER,
        Role.COMMISSIONER,
        Role.ADMINISTRATOR,
    }
)

# Roles that keep the office's records: funding, providers, agreements, drafts.
EDITORS = frozenset({Role.OFFICER, Role.CHIEF_FINANCE_OFFICER})

# Who takes a decision on a Decision Record: the decision-maker, and who may record a
# decision signed on paper on their behalf.
DECISION_MAKERS = frozenset({Role.COMMISSIONER})
PAPER_RECORDERS = frozenset({Role.CHIEF_EXECUTIVE, Role.MONITORING_OFFICER})
# Roles the organisation settings may let record a signature made on paper (by default
# ``PAPER_RECORDERS``): the officers who run the office's governance.
PAPER_RECORDER_CHOICES = (
    Role.CHIEF_EXECUTIVE,
    Role.MONITORING_OFFICER,
    Role.CHIEF_FINANCE_OFFICER,
)

# Roles the organisation settings may let approve an allocation directly, without a
# decision record (a delegated approval): the office holders who answer for the money.
# Officers prepare allocations and the Monitoring Officer advises on the law, so
# neither is offered.
DELEGABLE_APPROVERS = (Role.CHIEF_FINANCE_OFFICER, Role.CHIEF_EXECUTIVE, Role.COMMISSIONER)

# The roles that sign: officer approval, the decision, the publication decision, and the
# recording of a signature made on paper. A new organisation asks them to use two
# factors at sign-in; every role may be asked to.
SIGNING_ROLES = frozenset(
    {
        Role.CHIEF_FINANCE_OFFICER,
        Role.CHIEF_EXECUTIVE,
        Role.MONITORING_OFFICER,
        Role.COMMISSIONER,
    }
)
TWO_FACTOR_ROLE_CHOICES = tuple(Role)


def user_roles(user) -> frozenset[Role]:
    """The roles a user holds, read once per request and kept on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_pcc_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._pcc_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_member(user) -> bool:
    return bool(user_roles(user) & STAFF_ROLES)
