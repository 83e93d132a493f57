"""Where each demonstration record came from, in words the record itself carries.

The demo presents as a neutral Demonstration OPCC, but most of what it holds is
transcribed from documents that three real offices published. Each record says
which document, in a free-text field its page shows (a stream's description, an
allocation's comments, an agreement's description, a decision record's supporting
information); what the demo invents says so too.
"""

import csv
import io

MADE_UP = "Demonstration data, made up for the demo."

DURHAM_PANEL_REPORT_2015 = (
    "Durham PCC's report to the Police and Crime Panel, 3 February 2015 "
    "(“Update on Commissioning Activity”)"
)
DURHAM_DECISION_034_2016 = "Durham PCC's Decision Record Form 034-2016 (10 August 2016)"
LEICESTERSHIRE_DECISION_EXE_0025_13 = (
    "Leicestershire PCC's decision record EXE 0025/13 (“Police and Crime Commissioner "
    "Partner Funding”, 27 August 2013)"
)
CAMBRIDGESHIRE_BOARD_REPORT_2017 = (
    "Cambridgeshire OPCC's report to the Business Coordination Board, 11 May 2017 "
    "(“Commissioning and Grants”)"
)

# The seed files (devtools/demo/seeds/), by the prefix of their names.
SEED_SOURCES = {
    "durham_2015": f"Demonstration data: from {DURHAM_PANEL_REPORT_2015}.",
    "leicestershire_2013": f"Demonstration data: from {LEICESTERSHIRE_DECISION_EXE_0025_13}.",
    "cambridgeshire_2017": f"Demonstration data: from {CAMBRIDGESHIRE_BOARD_REPORT_2017}.",
}

# The column of each import that a person reads the record's notes in.
NOTES_COLUMN = {"funding": "description", "allocations": "comments"}

# The demo's users sign the transcribed records, not the people who signed the originals.
SIGNED_BY_THE_DEMO = (
    "The demonstration's users take it through the workflow and sign it, not the people who "
    "signed the original."
)


def noted(source: str, text: str = "") -> str:
    """``text`` led by the sentence saying where it came from."""
    return f"{source}\n{text}" if text else source


def seed_with_source(content: bytes, *, column: str, source: str) -> bytes:
    """A seed CSV whose ``column`` opens, on every row, with ``source``."""
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, column: noted(source, row[column])})
    return out.getvalue().encode()
