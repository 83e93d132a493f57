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
    ("dashboard.png", "cfo", "/"),
    ("funding-position.png", "officer", "/funding/position/2015-16/"),
    ("allocations.png", "officer", "/funding/allocations/?year=&status=approved"),
    ("agreement.png", "officer", "/commissioning/agreements/"),
    ("decisions.png", "commissioner", "/staff/decisions/"),
    ("public-register.png", None, "/decisions/"),
    ("published-record.png", None, "/decisions/034-2016/"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for name, user, path in SHOTS:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            if user:
                page.goto(f"{BASE}/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", "demo")
                page.click("button[type=submit]")
            page.goto(f"{BASE}{path}")
            page.screenshot(path=str(OUT / name))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
