"""Providers and agreements for the demonstration, from the seed documents.

Durham's Community Safety Grant projects (Police and Crime Panel report,
February 2015) are delivered through one grant agreement with the Safe Durham
Partnership. Cambridgeshire's 2017/18 victims' services table (report to the
Business Coordination Board) lists grant agreements, commissioned contracts and
single tender actions; the report gives the two grounds a single tender may rest
on but not which ground each used, so the grounds below are marked as chosen
for the demonstration. Each agreement's description says what came from which
report and what the demo made up. A provider has no field for notes: its
allocations and agreements, listed on its page, say where it came from.
"""

from datetime import date
from decimal import Decimal

from commissioning.models import CommissioningRoute, ProviderType, SingleTenderGround
from devtools.demo.provenance import (
    CAMBRIDGESHIRE_BOARD_REPORT_2017,
    DURHAM_PANEL_REPORT_2015,
    noted,
)

# 034-2016 names no registered body behind the project: its charity number is made up
# for the demo, above any the Charity Commission has issued (they run to about
# 1,210,000), so it belongs to no real charity. The allocation it receives says so.
DEMONSTRATION_CHARITY_NUMBER = "1999999"

PROVIDERS = {
    # 034-2016: the project "has been based in Darlington" (ONS code of the council area).
    "Community Peer Mentors Project": {
        "provider_type": ProviderType.CHARITY,
        "is_vcse": True,
        "is_sme": True,
        "charity_number": DEMONSTRATION_CHARITY_NUMBER,
        "area_name": "Darlington",
        "area_code": "E06000005",
    },
    "Safe Durham Partnership": {"provider_type": ProviderType.CSP},
    "Darlington Community Safety Partnership": {"provider_type": ProviderType.CSP},
    "Cambridgeshire Constabulary": {"provider_type": ProviderType.POLICE_FORCE},
    "Cambridgeshire County Council": {
        "provider_type": ProviderType.LOCAL_AUTHORITY,
        "local_authority_code": "CAM",
    },
    "Embrace – Child Victims of Crime": {
        "provider_type": ProviderType.CHARITY,
        "is_vcse": True,
        "is_sme": True,
    },
    "Cambridge and Peterborough Rape Crisis Partnership": {
        "provider_type": ProviderType.CHARITY,
        "is_vcse": True,
        "is_sme": True,
    },
    "Cambridgeshire and Peterborough Foundation Trust": {"provider_type": ProviderType.NHS},
    "Shrievalty Trust": {"provider_type": ProviderType.CHARITY, "is_vcse": True, "is_sme": True},
    "Family Action": {"provider_type": ProviderType.CHARITY, "is_vcse": True},
}

CAMBRIDGESHIRE_YEAR = {"start_date": date(2017, 4, 1), "end_date": date(2018, 3, 31)}
DEMONSTRATION_GROUND = (
    " (The report lists this as a Single Tender Action Request without saying which of "
    "the two grounds applied: the ground is recorded here for the demonstration.)"
)

CAMBRIDGESHIRE_AGREEMENT = (
    "Demonstration data: the provider, service, value and route are from the para 4.3 table "
    f"of {CAMBRIDGESHIRE_BOARD_REPORT_2017}; the reference and the monitoring are made up "
    "for the demo."
)
DURHAM_AGREEMENT = (
    f"Demonstration data: the projects and their total are from {DURHAM_PANEL_REPORT_2015}, "
    "which names no agreement; the agreement, its reference, review date and monitoring are "
    "made up for the demo."
)


def _cambridgeshire(reference, provider, title, value, route, *, description="", **extra):
    return {
        "reference": reference,
        "provider": provider,
        "title": title,
        "description": noted(CAMBRIDGESHIRE_AGREEMENT, description),
        "total_value": Decimal(value),
        "annual_value": Decimal(value),
        "route": route,
        "monitoring_frequency": "twice_yearly",
        "allocation_title": title,
        **CAMBRIDGESHIRE_YEAR,
        **extra,
    }


AGREEMENTS = [
    {
        "reference": "DUR-CSG-2015",
        "provider": "Safe Durham Partnership",
        "title": "Community Safety Grant projects 2015-16",
        "description": noted(
            DURHAM_AGREEMENT,
            "Anti-social behaviour officers, 4Real and the drug intervention programme, "
            "prolific offender mentoring, the pre-court system and Positive Futures.",
        ),
        "total_value": Decimal("500545"),
        "annual_value": Decimal("500545"),
        "route": CommissioningRoute.GRANT,
        "start_date": date(2015, 4, 1),
        "end_date": date(2016, 3, 31),
        "review_date": date(2015, 10, 1),
        "monitoring_frequency": "twice_yearly",
        "allocation_stream": "Community Safety Grant - Safe Durham Partnership",
    },
    _cambridgeshire(
        "CAM-VS-2017-01",
        "Cambridgeshire Constabulary",
        "Victim and Witness Hub Initial Referral provision",
        "446000",
        CommissioningRoute.GRANT,
    ),
    _cambridgeshire(
        "CAM-VS-2017-02",
        "Cambridgeshire Constabulary",
        "Specialist Victim and Witness Care Co-ordinator – Migrant Victims of Exploitation",
        "33445",
        CommissioningRoute.GRANT,
    ),
    _cambridgeshire(
        "CAM-VS-2017-03",
        "Cambridgeshire Constabulary",
        "Restorative Justice Hub",
        "52750",
        CommissioningRoute.GRANT,
    ),
    _cambridgeshire(
        "CAM-VS-2017-04",
        "Embrace – Child Victims of Crime",
        "Practical Support for young victims of crime",
        "2000",
        CommissioningRoute.GRANT,
    ),
    _cambridgeshire(
        "CAM-VS-2017-05",
        "Cambridgeshire County Council",
        "Young Person Independent Domestic Violence Advisor",
        "40000",
        CommissioningRoute.GRANT,
    ),
    _cambridgeshire(
        "CAM-VS-2017-06",
        "Cambridge and Peterborough Rape Crisis Partnership",
        "Countywide Sexual Violence Support Service",
        "213000",
        CommissioningRoute.CONTRACT,
        description="The office is lead commissioner of a pooled arrangement with two local "
        "authorities and NHS England; this contract is the office's £213,000.",
        co_funders="Two local authorities\nNHS England",
    ),
    _cambridgeshire(
        "CAM-VS-2017-07",
        "Embrace – Child Victims of Crime",
        "Counselling for young victims of crime",
        "20000",
        CommissioningRoute.CONTRACT,
        description="Two-year post in the Sexual Assault Referral Centre, match funded.",
        co_funders="A locally-based national charity (match funding)",
    ),
    _cambridgeshire(
        "CAM-VS-2017-08",
        "Cambridgeshire and Peterborough Foundation Trust",
        "Victim Pathfinders (Mental Health Nurses in Victim and Witness Hub)",
        "75000",
        CommissioningRoute.SINGLE_TENDER,
        single_tender_ground=SingleTenderGround.CONTINUITY,
        single_tender_justification="The nurses already work inside the Victim and Witness "
        "Hub." + DEMONSTRATION_GROUND,
    ),
    _cambridgeshire(
        "CAM-VS-2017-09",
        "Shrievalty Trust",
        "Home security for elderly victims of burglary",
        "50000",
        CommissioningRoute.SINGLE_TENDER,
        single_tender_ground=SingleTenderGround.ONLY_SUPPLIER,
        single_tender_justification="The only local scheme fitting security to the homes "
        "of elderly victims." + DEMONSTRATION_GROUND,
    ),
    _cambridgeshire(
        "CAM-VS-2017-10",
        "Family Action",
        "Specialist Victim Care Co-ordinator – Young Victims of Crime",
        "29065",
        CommissioningRoute.SINGLE_TENDER,
        single_tender_ground=SingleTenderGround.CONTINUITY,
        single_tender_justification="Continues the specialist support that reached more than "
        "100 young victims in 2016/17." + DEMONSTRATION_GROUND,
    ),
]
