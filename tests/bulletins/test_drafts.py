"""The bulletin's draft: its figures are the overview's and the progress table's to the cent, its
prose is the offices' own phrasing, and a section without data says so in a sentence."""

from datetime import date
from decimal import Decimal

import pytest

from bulletins.selectors.drafts import bulletin_draft, points_text
from projects.models import Listing, Street
from projects.selectors.dashboard import overview
from projects.selectors.progress import progress_table

pytestmark = pytest.mark.django_db


def draft(user, **kwargs):
    return bulletin_draft(user=user, **{"year": 2015, "month": 9, "level": "city", **kwargs})


def section(d, key):
    return next(s for s in d.sections if s.key == key)


def test_the_demo_bulletin_opens_with_the_seeds_figures(users):
    d = draft(users["admin"])
    assert d.title == "卫东区2015年1-9月市重点项目建设进展情况通报"
    assert section(d, "general").paragraphs[0] == (
        "1-9月，卫东区26个市重点项目（计划建成3个、续建16个、新开工7个；第一批14个、第二批12个）"
        "累计完成投资41.17亿元，占年度投资计划44.00亿元的93.58%，超过时间进度18.58个百分点。"
    )
    assert [s.title for s in d.sections] == [
        "一、总体情况", "二、开工和竣工", "三、各街道、各责任单位", "四、滞后项目", "五、问题解决", "六、前期手续",
        "七、下步工作",
    ]  # fmt: skip
    assert section(d, "next").editable and section(d, "next").paragraphs == []


def test_every_figure_equals_the_overview_and_the_progress_tables_total(users):
    admin = users["admin"]
    d = draft(admin)
    page = overview(user=admin, year=2015, month=9, level="city")
    table = progress_table(user=admin, year=2015, month=9, level="city")
    f = d.figures
    assert (f["projects"], f["annual_plan"], f["cumulative"], f["percent"], f["schedule"], f["points"]) == (
        26, "439950.00", "411700.00", "93.58", "75.00", "18.58",
    )  # fmt: skip
    assert Decimal(f["annual_plan"]) == page.summary.annual_plan == table.summary.annual_plan
    assert Decimal(f["cumulative"]) == page.summary.cumulative == table.summary.cumulative
    assert f["start_rate"] == {"planned": page.start_rate.planned, "done": page.start_rate.done, "percent": "71.43"}
    assert f["completion_rate"]["done"] == page.completion_rate.done == 1
    assert f["problems"] == dict(page.problems) and f["problems"]["found"] == 50
    total = section(d, "general").tables[0].rows[-1]
    assert total == ["合计", "26", "439,950.00", "411,700.00", "93.58%"]


def test_starts_and_completions_name_the_late_ones(users):
    paragraphs = section(draft(users["admin"]), "starts").paragraphs
    assert paragraphs[0] == (
        "1-9月计划新开工项目7个，已开工5个，开工率71.43%；尚未开工的：上徐机械加工工业园、市现代物流产业集聚区一期。"
    )
    assert paragraphs[1].startswith("计划建成项目3个，已建成1个，竣工率33.33%；尚未建成的：")
    assert "市四十一中异地重建项目" not in paragraphs[1]  # completed and in use


def test_streets_and_units_are_ranked_by_completion_rate_naming_both_ends(users):
    places = section(draft(users["admin"]), "places")
    streets, units = places.tables[:2]  # by completion rate; a scoring scheme adds its ranking after
    percents = [Decimal(row[5].rstrip("%")) for row in streets.rows]
    assert percents == sorted(percents, reverse=True)
    assert [row[0] for row in streets.rows] == [str(n) for n in range(1, len(streets.rows) + 1)]
    first, last = streets.rows[0][1], streets.rows[-1][1]
    assert places.paragraphs[0].startswith(f"街道：按投资完成率排名，前三位的街道是{first}（")
    assert "后三位是" in places.paragraphs[0] and f"{last}（43.48%）" in places.paragraphs[0]
    assert units.headers[1] == "责任单位"


def test_lagging_projects_are_named_with_their_points_behind(users):
    lagging = section(draft(users["admin"]), "lagging")
    assert lagging.paragraphs[0].startswith("红灯项目2个、黄灯项目1个：")
    rows = {row[1]: row for row in lagging.tables[0].rows}
    assert rows["上徐机械加工工业园"][:4] == ["红灯", "上徐机械加工工业园", "0.00%", "75.00"]
    assert rows["皇台生态公园（示例）"][0] == "黄灯"


def test_the_previous_month_is_compared_where_it_exists(users):
    general = section(draft(users["admin"]), "general")
    september, august = (overview(user=users["admin"], year=2015, month=m, level="city") for m in (9, 8))
    change = ((september.summary.cumulative - august.summary.cumulative) / 10000).quantize(Decimal("0.01"))
    assert general.paragraphs[1] == f"比1-8月增加{change}亿元（环比）。"
    january = section(draft(users["admin"], month=1), "general")
    assert len(january.paragraphs) == 1  # no 1-0月, and 2014 has no list: nothing to compare


def test_a_year_without_a_list_says_so_in_a_sentence(users):
    d = draft(users["admin"], year=2017)
    assert section(d, "general").paragraphs == ["2017年没有卫东区市重点项目清单。"]
    assert all(not s.tables for s in d.sections)
    assert d.figures["projects"] == 0 and d.figures["percent"] is None


def test_a_street_bulletin_holds_that_streets_projects_only(users):
    street = Street.objects.get(name="北环路街道", district__code="410403")
    d = draft(users["admin"], street=street)
    listings = Listing.objects.filter(year=2015, level="city", project__street=street)
    assert d.place == "卫东区北环路街道"
    assert d.figures["projects"] == listings.count()
    assert section(d, "places").paragraphs == [
        "本期为单个街道的通报，不排名。",
        f"9月项目进展报送截止10月26日（25日为休息日，顺延），应报送{listings.count()}个，"
        f"按时报送{listings.count()}个、逾期报送0个、未报送0个，报送及时率100.0%。",
    ]
    table = progress_table(user=users["admin"], year=2015, month=9, level="city", street=street)
    assert Decimal(d.figures["cumulative"]) == table.summary.cumulative


@pytest.mark.parametrize(
    "percent, words",
    [
        ("93.58", "超过时间进度18.58个百分点"),
        ("71.90", "落后时间进度3.10个百分点"),
        ("75.00", "与时间进度持平"),
        (None, "尚无年度计划"),
    ],
)
def test_points_against_the_schedule(percent, words):
    assert points_text(percent, "75.00").startswith(words)


def test_the_demo_bulletin_reports_the_approvals_as_of_the_drafting_day(users, settings):
    """六、前期手续 from the demo's items (README): the rate of the period, and what is overdue on the
    day the bulletin is drafted, saying which day."""
    settings.KP_TODAY = date(2015, 10, 20)
    d = draft(users["admin"])
    assert section(d, "approvals").paragraphs == [
        "联审联批事项53项，已办结52项，完成率98.1%；截至10月20日超期未办结1项（区国土资源局1项）。"
    ]


def test_the_reporting_sentence_names_the_streets_behind_and_matches_the_missing_page(users):
    from projects.selectors.timeliness import report_timeliness

    admin = users["admin"]
    district = draft(admin, level="district")
    assert section(district, "places").paragraphs[-1] == (
        "9月项目进展报送截止10月26日（25日为休息日，顺延），应报送34个，按时报送26个、逾期报送0个、未报送8个，"
        "报送及时率76.5%；逾期或未报送的街道：东安路街道（未报送1个）、五一路街道（未报送1个）、东环路街道（未报送1个）、"
        "光华路街道（未报送1个）、北环路街道（未报送3个）、皇台街道（未报送1个）。"
    )
    city = draft(admin)
    assert section(city, "places").paragraphs[-1].endswith("未报送0个，报送及时率100.0%。")
    # The two lists' bulletins together are the 未报送 page's figures (every listing of the office).
    page = report_timeliness(user=admin, year=2015, month=9, by="street").total
    both = [d.figures["timeliness"] for d in (city, district)]
    assert [sum(f[key] for f in both) for key in ("due", "on_time", "late", "missing")] == [
        page.due,
        page.on_time,
        page.late,
        page.missing,
    ]
    assert (
        district.figures["timeliness"]["due_date"] == "2015-10-26" and district.figures["timeliness"]["rate"] == "76.5"
    )
    assert ["北环路街道", 3, 0, 0, 3, "0.0"] in district.figures["timeliness"]["by_street"]


def test_a_problem_waiting_for_confirmation_is_named_apart_from_the_resolved(users):
    from projects.choices import ProblemStatus
    from projects.models import Problem

    problem = Problem.objects.filter(status=ProblemStatus.COORDINATING, project__listings__level="city").first()
    Problem.objects.filter(pk=problem.pk).update(
        status="pending_close", resolution="街道报已解决", resolved_on="2015-10-10"
    )
    problems = section(draft(users["admin"]), "problems")
    assert "已解决38个，待销号1个，协调解决中11个" in problems.paragraphs[0]
    table = problems.tables[0]
    assert table.headers == ["街道", "发现", "已解决", "待销号", "未解决", "已逾期"]
    for row in table.rows:
        assert int(row[1]) == int(row[2]) + int(row[3]) + int(row[4])
    assert sum(int(row[3]) for row in table.rows) == 1
