"""Cambridgeshire's 2017/18 crime and disorder reduction grants, as the transparency
page publishes them (the Specified Information Order).

The report the grants come from (``provenance.CAMBRIDGESHIRE_BOARD_REPORT_2017``) gives each
grant's recipient, amount and a line on what it funds, but no conditions and no
reasons: the wording below, one set per Police and Crime Plan theme of Appendix 1,
is made up for the demo, and says so. The grants count as approved on the day of
the report, which records them as awarded for the year; the report gives no earlier
date.
"""

from datetime import date

STREAM = "Crime and Disorder Reduction Grants"
START_YEAR = 2017
APPROVED_ON = date(2017, 5, 11)
NOTE = "(Made up for the demo: the May 2017 report gives none.)"

# By the grant's theme: (conditions attached, purpose, why it will reduce crime and
# disorder).
WORDING = {
    "Victims": (
        "Spent on the service described, in 2017/18; a report on spend and outcomes "
        "twice a year; unspent money returned.",
        "Safeguarding vulnerable people who come into contact with the police and partners.",
        "Vulnerable people supported early are less often victims of crime again, and "
        "less often drawn into offending.",
    ),
    "Offenders": (
        "Spent on the service described, in 2017/18; quarterly figures on the people "
        "worked with and re-offending; unspent money returned.",
        "Attacking criminality and reducing re-offending.",
        "Work with offenders on what drives their offending (substance misuse, "
        "supervision, youth justice) reduces how often they offend again.",
    ),
    "Communities": (
        "Spent on the partnership's plan agreed with the office, in 2017/18; a report "
        "on spend and results at the year's end; unspent money returned.",
        "Preventing crime and reassuring the public.",
        "Community safety partnerships and local schemes act on the crime and "
        "anti-social behaviour their areas report most.",
    ),
}


def wording(theme: str) -> dict[str, str]:
    """The fields of a grant of ``theme``, each saying it is made up."""
    conditions, purpose, reasons = WORDING.get(theme, WORDING["Communities"])
    return {
        "conditions": f"{conditions} {NOTE}",
        "purpose": f"{purpose} {NOTE}",
        "crime_reduction_reasons": f"{reasons} {NOTE}",
    }
