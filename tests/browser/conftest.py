"""Browser tests: the real application (pytest-django's live_server) driven in Debian's Chromium
through Playwright. Without Chromium they are skipped with one line, unless
KP_BROWSER_REQUIRED=1 (set by .ci/run) turns that into a failure. A failing test leaves a
screenshot and the page's HTML in test-artifacts/ (or $KP_TEST_ARTIFACTS)."""

import os
import re
import shutil
from pathlib import Path

import pytest

from projects.devdata.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("KP_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("KP_BROWSER_REQUIRED") == "1"
ARTIFACTS = Path(os.environ.get("KP_TEST_ARTIFACTS", "test-artifacts"))
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1440, "height": 900}

# Everything in the page that a person would have to scroll sideways to read: the page itself, any
# scrolling box inside it, any visible element reaching past the screen's edge.
_SIDEWAYS = """() => {
  const width = window.innerWidth, found = [];
  const root = document.documentElement;
  if (root.scrollWidth > width) found.push(`the page is ${root.scrollWidth - width}px wider`);
  for (const e of document.querySelectorAll('body *')) {
    if (!e.getClientRects().length) continue;
    const style = getComputedStyle(e);
    const classes = typeof e.className === 'string' ? e.className.trim().split(/\\s+/).filter(Boolean) : [];
    const label = [e.tagName.toLowerCase(), ...classes].join('.');
    if (['auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1)
      found.push(`${label} scrolls sideways by ${e.scrollWidth - e.clientWidth}px`);
    const box = e.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1))
      found.push(`${label} reaches ${Math.round(box.left)}..${Math.round(box.right)} of ${width}px`);
  }
  return found.slice(0, 10);
}"""


def assert_fits(page, name=""):
    """Nothing on the page needs sideways scrolling at the page's viewport."""
    problems = page.evaluate(_SIDEWAYS)
    assert problems == [], f"{name or page.url}: {problems}"


def _missing():
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"KP_BROWSER_REQUIRED=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
    # there are synchronous and safe. Set only while the browser runs: a subprocess started by
    # another test (the deploy check) must not inherit it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def open_page(request, browser, live_server, demo):
    """open_page(username, viewport=DESKTOP): a signed-in page in a fresh browser context (its own
    cookies), logged in through the real form. Every page opened is saved on failure."""
    contexts, pages = [], []

    def make(username, viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(page)
        failed_requests = []
        page.on(  # the favicon fetch the browser itself may abort when the page is already done
            "requestfailed",
            lambda r: None if "favicon" in r.url else failed_requests.append(f"{r.url} ({r.failure})"),
        )
        page.failed_requests = failed_requests
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"
        page.base = live_server.url
        return page

    yield make
    if getattr(request.node, "call_failed", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for index, page in enumerate(pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{index}.png"), full_page=True)
                (ARTIFACTS / f"{name}-{index}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # a closed page still lets the others be saved
                print(f"could not save page {index}: {error}")
    for context in contexts:
        context.close()
