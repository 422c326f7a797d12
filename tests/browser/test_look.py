"""The pages as a person sees them: nothing fetched from outside the application, nothing wider
than a phone's screen, charts drawn, readable text. With KP_SCREENSHOTS=<folder> (make
screenshots) the final screenshots are written there for the README."""

import os
from datetime import date
from pathlib import Path

import pytest

from projects.models import Listing, Project
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("KP_SCREENSHOTS")
FIRST_SCREEN_ONLY = {"project-list-phone", "problems-phone"}  # long lists: their first screen shows the cards
CHART_PROJECT = "市正顺化工公司技改10万吨/年洗油深加工"


def pages():
    project = Project.objects.get(name=CHART_PROJECT)
    listing = Listing.objects.get(project__name="北环路机械配件厂技改（示例）", year=2015)
    return [
        ("overview", "admin", DESKTOP, "/?year=2015&month=9&level=city"),
        ("project-list", "admin", DESKTOP, "/projects/?year=2015&level=city"),
        ("project-page", "admin", DESKTOP, project.get_absolute_url()),
        ("project-list-phone", "admin", PHONE, "/projects/?year=2015&level=city"),
        ("problems-phone", "admin", PHONE, "/problems/"),
        ("report-form", "staff", PHONE, f"/reports/{listing.pk}/9/"),
        ("leader-phone", "leader", PHONE, "/my-projects/"),
        ("overview-phone", "leader", PHONE, "/overview/?year=2015&month=9&level=city"),
    ]


def test_every_page_is_self_contained_and_fits_its_screen(open_page):
    for name, username, viewport, url in pages():
        page = open_page(username, viewport)
        requests = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        response = page.goto(page.base + url)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, name
        outside = [u for u in requests if not u.startswith((page.base, "data:", "blob:"))]
        assert outside == [], f"{name} fetched {outside}"
        assert page.failed_requests == [], f"{name}: {page.failed_requests!r}"
        assert_fits(page, name)
        broken_images = page.evaluate(  # lazy images too: each is loaded and decoded
            """Promise.all([...document.images].map(i => { i.loading = 'eager';
                 return i.decode().then(() => null, () => i.src); }))"""
        )
        assert [src for src in broken_images if src] == [], name
        if viewport is PHONE:
            small = page.evaluate(
                """[...document.querySelectorAll('main button, main .button, main input[type=submit]')]
                   .filter(e => e.offsetParent !== null)
                   .filter(e => e.getBoundingClientRect().height < 40)
                   .map(e => e.textContent.trim() || e.value)"""
            )
            assert small == [], f"{name}: tap targets lower than 40px: {small}"
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            full_page = viewport is PHONE and name not in FIRST_SCREEN_ONLY
            page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full_page)


def test_charts_are_drawn_with_labels(open_page):
    page = open_page("admin")
    page.goto(page.base + "/?year=2015&month=9&level=city")
    chart = page.locator("svg").first
    box = chart.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 150
    assert chart.locator("text").count() >= 12  # the months are labelled
    page.goto(page.base + Project.objects.get(name=CHART_PROJECT).get_absolute_url())
    assert page.locator("svg").first.locator("text").count() >= 12


def test_the_overview_in_print_preview(open_page, settings):
    """The overview as it prints (A4 portrait is about 794 px wide at 96 dpi): the title line with
    place, period and level, no navigation; the README shows this preview."""
    settings.KP_TODAY = date(2015, 10, 20)
    page = open_page("admin", {"width": 794, "height": 1123})
    page.goto(page.base + "/?year=2015&month=9&level=city")
    page.emulate_media(media="print")
    assert page.locator("#print-title").inner_text() == "卫东区 2015年1-9月 市重点"
    assert not page.locator("header.topbar").is_visible()
    assert page.locator("#print-footer").inner_text() == "打印日期：2015年10月20日"
    assert_fits(page, "overview print preview")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "overview-print.png"))  # the first sheet, footer at its foot
