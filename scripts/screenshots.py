"""Take the README's screenshots from a running demo (make run), with Chromium.

.venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SHOTS = [
    # (file, user or None, path)
    ("dashboard.png", "officer", "/"),
    ("funding-position.png", "officer", "/funding/position/2015-16/"),
    ("allocations.png", "officer", "/funding/allocations/?year=&status=approved"),
    ("agreement.png", "officer", "/commissioning/agreements/"),
    ("decisions.png", "officer", "/staff/decisions/"),
    ("public-register.png", None, "/decisions/"),
    ("published-record.png", None, "/decisions/034-2016/"),
    ("grant-rounds.png", None, "/rounds/"),
    ("applicant-account.png", "applicant", "/apply/"),
]

# Public pages on a 320 pixel wide phone (WCAG 1.4.10 reflow): (file, path).
NARROW = [
    ("home-320.png", "/"),
    ("public-register-320.png", "/decisions/"),
]


def sign_in(page, user: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")


def recipient_suggestions(page) -> None:
    page.goto(f"{BASE}/funding/allocations/new/")
    page.get_by_role("combobox", name="Recipient").press_sequentially("durh", delay=50)
    page.locator("#id_recipient_name__listbox li").first.wait_for()


def near_duplicate(page) -> None:
    page.goto(f"{BASE}/funding/allocations/new/")
    page.get_by_role("combobox", name="Recipient").fill("Safe Durham Partnershp")
    page.get_by_label("Funding stream").select_option(index=1)
    page.get_by_label("Title").fill("Hate crime advocacy")
    page.get_by_label("Amount").fill("£5,000")
    page.get_by_role("button", name="Save allocation").click()


def decision_allocations(page) -> None:
    page.goto(f"{BASE}/staff/decisions/new/")
    finder = page.get_by_role("search", name="Proposed allocations")
    boxes = finder.get_by_role("checkbox")
    boxes.nth(0).check()
    boxes.nth(1).check()


def public_round(page) -> None:
    page.goto(f"{BASE}/rounds/")
    page.get_by_role("link", name="PCC Community Grant 2026/27").first.click()


def application_section(page) -> None:
    """The demo applicant's application: started the first time, then continued."""
    page.goto(f"{BASE}/apply/")
    drafts = page.get_by_role("link", name="Draft")
    if drafts.count():
        drafts.first.click()
    else:
        page.goto(f"{BASE}/rounds/")
        page.get_by_role("link", name="PCC Community Grant 2026/27").first.click()
        page.get_by_role("link", name="Start an application").click()
        page.get_by_role("button", name="Start the application").click()
    page.get_by_role("link", name="Your project", exact=True).click()
    page.get_by_label("Project title").fill("Safer evenings at the cafe")


def check_answers(page) -> None:
    application_section(page)
    page.goto(page.url.rsplit("/", 2)[0] + "/check/")


def staff_round(page) -> None:
    page.goto(f"{BASE}/staff/rounds/")
    page.get_by_role("link", name="PCC Grant 2013/14").click()


def round_2013(page, link: str) -> None:
    """A page of PCC Grant 2013/14 that its staff page links to."""
    staff_round(page)
    page.get_by_role("link", name=link).click()


def moderation(page) -> None:
    round_2013(page, "Moderation: the ranking and the fund line")


def review_panel(page) -> None:
    round_2013(page, "The Review Panel and the decision")


def round_reviewers(page) -> None:
    round_2013(page, "Reviewers and reviews of this round")


def reviewer_review(page) -> None:
    page.goto(f"{BASE}/review/")
    page.locator("main table a").first.click()


# Screens reached by doing something on them: (file, user, what to do, and the
# first and last element of the part shown).
ACTED = [
    (
        "recipient-suggestions.png",
        "officer",
        recipient_suggestions,
        "h1",
        "#id_recipient_name__listbox",
    ),
    ("near-duplicate.png", "officer", near_duplicate, "h1", "#div_id_funding_stream"),
    ("grant-round-public.png", None, public_round, "h1", "#apply-heading"),
    ("application-section.png", "applicant", application_section, "h1", "main form"),
    ("check-answers.png", "applicant", check_answers, "h1", "main form"),
    ("grant-round-staff.png", "officer", staff_round, "h1", "#applications-heading"),
    ("round-reviewers.png", "officer", round_reviewers, "h1", "main table"),
    ("reviewer-review.png", "amara.okafor@example.org", reviewer_review, "h1", "main"),
    ("moderation.png", "officer", moderation, "h1", "main table"),
    ("review-panel.png", "officer", review_panel, "h1", "main table"),
    (
        "decision-allocations.png",
        "officer",
        decision_allocations,
        "#allocations-chooser",
        "#funding-lines",
    ),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for name, user, path in SHOTS:
            page = browser.new_page(locale="en-GB", viewport={"width": 1280, "height": 800})
            if user:
                page.goto(f"{BASE}/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", "demo")
                page.click("button[type=submit]")
            page.goto(f"{BASE}{path}")
            page.screenshot(path=str(OUT / name))
            page.close()
        for name, path in NARROW:
            page = browser.new_page(locale="en-GB", viewport={"width": 320, "height": 900})
            page.goto(f"{BASE}{path}")
            page.screenshot(path=str(OUT / name))
            page.close()
        for name, user, act, first, last in ACTED:
            page = browser.new_page(locale="en-GB", viewport={"width": 1280, "height": 900})
            if user:
                sign_in(page, user)
            act(page)
            top, bottom = (
                page.locator(selector).first.evaluate(
                    "e => { const r = e.getBoundingClientRect();"
                    " return {y: r.top + window.scrollY, height: r.height}; }"
                )
                for selector in (first, last)
            )
            page.screenshot(
                path=str(OUT / name),
                full_page=True,
                clip={
                    "x": 0,
                    "y": top["y"] - 8,
                    "width": 1280,
                    "height": bottom["y"] + bottom["height"] - top["y"] + 16,
                },
            )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
