"""Dates read one way on every page: 2015年9月28日 in running text, 2015-09-28 in tables
(config/formats/zh_Hans/formats.py), and never in English."""

import re

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from projects.models import Instruction, Problem, Project

ENGLISH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?|\b[ap]\.m\.|\bmidnight\b|\bnoon\b",
)
CHEMICAL_PLANT = "市正顺化工公司技改10万吨/年洗油深加工"


def text_of(response):
    """What a person reads: the page without its tags, scripts and styles."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def admin_reads(client_for):
    client = client_for("admin")

    def read(url):
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        assert not ENGLISH.findall(text), f"{url}: {ENGLISH.findall(text)}"
        return text

    return read


def test_the_formats_are_the_offices():
    from datetime import date, datetime

    assert date_format(date(2015, 9, 28)) == "2015年9月28日"
    assert date_format(date(2015, 9, 28), "SHORT_DATE_FORMAT") == "2015-09-28"
    assert date_format(datetime(2015, 9, 28, 14, 5), "DATETIME_FORMAT") == "2015年9月28日 14:05"
    assert date_format(datetime(2015, 9, 28, 14, 5), "SHORT_DATETIME_FORMAT") == "2015-09-28 14:05"


@pytest.mark.parametrize("name", ["projects:overview", "projects:report_sheet", "projects:project_list"])
def test_pages_without_dates_of_their_own_hold_no_english_either(admin_reads, name):
    admin_reads(reverse(name))


def test_the_project_page(admin_reads):
    text = admin_reads(Project.objects.get(name=CHEMICAL_PLANT).get_absolute_url())
    # Its supervision visit is a sentence; its milestones are a table.
    assert "2015年10月20日 · 王某、赵某" in text and "限期 2015年11月30日 前整改" in text
    assert "设备采购 延误 2015-06-30 2015-07-08" in text and "自 2015年3月1日" in text
    assert "2015-10-20" not in text


def test_the_problem_ledger(admin_reads):
    text = admin_reads(reverse("projects:problem_list") + "?q=优越路社区养老驿站")
    assert "2015-09-28" in text and "2015-11-12" in text  # raised, deadline: table cells
    assert "2015年9月28日" not in text


def test_the_problem_page(admin_reads):
    instruction = Instruction.objects.get(problem__project__name="恒宇·东城国际", created_at__day=12)
    problem = instruction.problem
    text = admin_reads(problem.get_absolute_url())
    assert f"发现日期 {problem.raised_on:%Y-%m-%d}" in text  # a label–value list
    assert "（2015年10月12日 10:00）：" in text  # the leader's instruction, quoted in running text


def test_the_visit_list(admin_reads):
    text = admin_reads(reverse("projects:visit_list"))
    assert f"2015年10月20日 · {CHEMICAL_PLANT}" in text
    assert "限期 2015年9月30日 前整改" in text  # 皇台生态公园's visit of 28 August
    assert not re.search(r"\b2015-\d\d-\d\d\b", text)


def test_a_problem_raised_on_the_ledger_row_and_its_page_agree(admin_reads):
    problem = Problem.objects.get(project__name="优越路社区养老驿站（示例）", raised_on="2015-09-28")
    assert "发现日期 2015-09-28" in admin_reads(problem.get_absolute_url())
