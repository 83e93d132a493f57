"""What the tests of choosing a record's allocations share: the draft form's fields
(the stream and its proposed allocations are fixtures, in conftest.py)."""

NEW = "/staff/decisions/new/"


def record(officer, **fields) -> dict:
    return {
        "category": "commissioner",
        "title": "Victims' services 2016/17",
        "executive_summary": "Two projects.",
        "decision": "Agree the allocations.",
        "lead_officer": officer.pk,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-item": "",
        "lines-0-amount": "",
        **fields,
    }
