"""Dates on a problem page as a person reads them, on a phone and a desktop: the label–value list
in table form (2015-06-21), the leader's instruction and the steps as the office writes them, and
the overdue badge by the demo's own day (KP_TODAY)."""

import re
from datetime import date

import pytest

from projects.models import Instruction
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)


def fact(page, label):
    """The value of one entry of the page's label–value list."""
    return page.locator(f"dl.facts dt:text-is('{label}') + dd").inner_text().strip()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_problem_pages_dates(open_page, settings, viewport):
    settings.KP_TODAY = date(2015, 10, 20)  # the demo's day, as `make run` serves it
    instruction = Instruction.objects.select_related("problem").get(created_at__date=date(2015, 10, 12))
    problem = instruction.problem
    assert (problem.project.name, problem.deadline) == ("恒宇·东城国际", date(2015, 6, 21))
    page = open_page("admin", viewport)
    page.goto(page.base + problem.get_absolute_url())

    # 恒宇·东城国际's land problem: raised 7 May, due 21 June, still being coordinated.
    assert fact(page, "发现日期").startswith("2015-05-07")
    assert fact(page, "办结期限") == "2015-06-21"
    assert page.locator("span.badge.overdue").inner_text() == "已逾期"
    assert "（2015年10月12日 10:00）：" in page.locator("blockquote.instruction").first.inner_text()
    steps = page.locator("li", has_text="→").all_inner_texts()
    assert steps[0].startswith("2015-05-07 ") and all(re.match(r"2015-\d\d-\d\d \d\d:\d\d · ", s) for s in steps), steps
    text = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    for english in ("Oct", "Sept", "a.m.", "p.m."):
        assert english not in text
    assert_fits(page, f"problem page ({viewport['width']}px)")
