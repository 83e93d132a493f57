"""Browser tests: Playwright drives the system Chromium against ``live_server``."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session", autouse=True)
def one_request_at_a_time_on_sqlite(django_db_setup):
    """On SQLite the test server shares the test's one in-memory connection, so two
    requests at once (a recipient's suggestions being read while the form is sent)
    would use it together and break it for every later test. There the server
    answers one request at a time; on PostgreSQL each request has its own
    connection and the server stays threaded."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return

    class OneAtATime(WSGIServer):
        # The thread that runs it already holds the test's connection.
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = threaded


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) "
            "to run the browser tests."
        )
    # Playwright runs an event loop in this thread; the test code's own ORM calls
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Chromium reports anything the Content-Security-Policy blocks (an inline
    # script or style, an asset from elsewhere) on the console: each is a defect.
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert refused == [], "The Content-Security-Policy refused:\n" + "\n".join(refused)


@pytest.fixture
def login(page, password):
    """Sign in through the real login form."""

    def sign_in(user) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return sign_in


_axe = Axe()


def assert_accessible(page) -> None:
    """Fail with axe's report when the page has any accessibility violation."""
    results = _axe.run(page)
    if results.violations_count:
        pytest.fail(
            f"axe found {results.violations_count} violation(s) on {page.url}:\n"
            + results.generate_report(),
            pytrace=False,
        )
