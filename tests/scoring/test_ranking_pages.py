"""The ranking page (考核排名) and a subject's breakdown (考核明细): what they show and link to, that
their query count does not grow with the district, and that each number of a breakdown links to a
page listing exactly what it counts."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.models import Task
from projects.models import Listing, Problem, Project, Region, Street, Unit
from scoring.choices import PeriodKind, SubjectKind
from scoring.models import Adjustment, ScoreSheet
from scoring.periods import ScorePeriod
from scoring.selectors.scores import ranking
from scoring.services.freeze import sheet_freeze
from tests.scoring.conftest import TODAY, build_scheme, clear_schemes

pytestmark = pytest.mark.django_db

SEPTEMBER = ScorePeriod(PeriodKind.MONTH, 2015, 9)
AUGUST = ScorePeriod(PeriodKind.MONTH, 2015, 8)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


def ranking_page(client, **params):
    query = {"region": "410403", "year": 2015, "period": "month-9", **params}
    return client.get(reverse("scoring:ranking"), query)


def section(response, kind):
    """The HTML of one ranking table's section (街道 or 责任单位)."""
    html = response.content.decode()
    start = html.index(f'id="ranking-{kind}"')
    return html[start : html.index("</section>", start)]


def page_ranks(response, kind):
    """[(rank, name)] in the order the page lists them; rank None for the unranked."""
    cells = r'<td class="num card-meta rank nowrap">(?:第(\d+)名|—)</td>\s*<td class="card-title nowrap">'
    rows = re.findall(cells + r"(?:<a [^>]*>)?([^<]+)", section(response, kind))
    return [(int(rank) if rank else None, name) for rank, name in rows]


def breakdown(client, scheme, kind, subject, period="month-9"):
    return client.get(reverse("scoring:subject_score", args=[scheme.pk, kind, subject.pk]), {"period": period})


# --- the ranking page ----------------------------------------------------------------------------


def test_the_page_ranks_streets_then_units_as_the_selector_does(client_for, scheme):
    response = ranking_page(client_for("admin"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="ranking-street"') < html.index('id="ranking-unit"')
    for kind in SubjectKind.values:
        expected = ranking(scheme=scheme, period=SEPTEMBER, kind=kind)
        assert page_ranks(response, kind) == [(row.rank, row.name) for row in expected.rows]
        assert expected.ranked  # the demo scores something of each kind
    # the demo's 区财政局 has nothing to score in September: listed after the ranked, marked
    units = page_ranks(response, "unit")
    assert units[-1] == (None, "区财政局")
    assert "本期无考核内容" in section(response, "unit")
    assert "本期无考核内容" not in section(response, "street")


def test_the_page_shows_each_criterion_and_the_totals(client_for, scheme):
    response = ranking_page(client_for("admin"))
    streets = section(response, "street")
    for header in (
        "名次",
        "名称",
        "投资完成（40分）",
        "前期手续（15分）",
        "节点提前（加分≤5分）",
        "基本分",
        "加分",
        "加减分",
        "总分",
    ):
        assert header in streets
    row = ranking(scheme=scheme, period=SEPTEMBER, kind="street").row(Street.objects.get(name="申楼街道").pk)
    cells = streets[streets.index("申楼街道") :].split("</tr>")[0]
    figures = re.findall(r'data-label="([^"]+)">(?:<strong>)?([-+\d.]+)', cells)
    assert figures == [
        *((score.criterion.name, str(score.points)) for score in row.criteria),
        ("基本分", str(row.base)),
        ("加分", str(row.bonus)),
        ("加减分", str(row.adjustment)),
        ("总分", str(row.total)),
    ]
    assert row.criteria[3].points == Decimal("6.00")  # two problems solved late: 2 points each


def test_each_name_links_to_its_breakdown_for_the_period(client_for, scheme):
    response = ranking_page(client_for("admin"), period="quarter-3")
    street = Street.objects.get(name="北环路街道")
    url = reverse("scoring:subject_score", args=[scheme.pk, "street", street.pk])
    assert f'href="{url}?year=2015&amp;period=quarter-3">北环路街道</a>' in response.content.decode()
    assert response.context["period"] == ScorePeriod(PeriodKind.QUARTER, 2015, 3)


def test_the_period_defaults_to_the_month_figures_stand_at(client_for, scheme):
    response = client_for("admin").get(reverse("scoring:ranking"))
    assert response.context["region"].code == "410403"
    assert response.context["period"] == SEPTEMBER  # the demo's latest reported month
    assert "卫东区2015年9月考核排名" in response.content.decode()


def test_a_wrong_period_is_named_and_the_default_shown(client_for, scheme):
    response = ranking_page(client_for("admin"), period="month-13", year="abc")
    assert response.status_code == 200
    assert response.context["period"] == SEPTEMBER
    texts = [str(m) for m in response.context["messages"]]
    assert any("考核周期" in text for text in texts)
    assert any("年度" in text for text in texts)


def test_links_to_the_scheme_adjustments_and_export(client_for, scheme):
    html = ranking_page(client_for("admin"), period="quarter-3").content.decode()
    assert f'href="{reverse("scoring:scheme_edit", args=[scheme.pk])}"' in html
    assert f'href="{reverse("scoring:adjustments", args=[scheme.pk])}?year=2015&amp;period=quarter-3"' in html
    assert f'href="{reverse("scoring:ranking_export", args=[scheme.pk])}?year=2015&amp;period=quarter-3"' in html
    staff = ranking_page(client_for("staff_a"), period="quarter-3").content.decode()
    assert reverse("scoring:ranking_export", args=[scheme.pk]) in staff
    # The rules are published: a street reads them and the adjustments it may see (scheme and adjustment pages).
    assert f'href="{reverse("scoring:scheme_edit", args=[scheme.pk])}"' in staff
    assert reverse("scoring:adjustments", args=[scheme.pk]) in staff


def test_without_a_scheme_the_page_says_so_and_the_office_may_make_one(client_for, weidong):
    clear_schemes(weidong, 2015)
    admin = ranking_page(client_for("admin"))
    assert admin.status_code == 200
    assert "卫东区2015年尚未制定考核方案" in admin.content.decode()
    assert f'href="{reverse("scoring:scheme_create")}"' in admin.content.decode()
    staff = ranking_page(client_for("staff_a"))
    assert "尚未制定考核方案" in staff.content.decode()
    assert reverse("scoring:scheme_create") not in staff.content.decode()


def test_a_city_office_picks_one_of_its_districts_with_a_scheme(client, scheme, django_user_model):
    client.force_login(django_user_model.objects.get(username="city"))
    response = client.get(reverse("scoring:ranking"), {"year": 2015})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("scoring:ranking")}?region=410403&amp;year=2015">卫东区</a>' in html
    assert "新华区" not in html  # no scheme there
    quarter = client.get(reverse("scoring:ranking"), {"year": 2015, "period": "quarter-3"}).content.decode()
    assert "?region=410403&amp;year=2015&amp;period=quarter-3" in quarter  # the period asked for goes along
    picked = client.get(reverse("scoring:ranking"), {"region": "410403", "year": 2015, "period": "month-9"})
    assert page_ranks(picked, "street") == page_ranks(ranking_page(client), "street")
    assert "平顶山市考核排名" in picked.content.decode()  # the way back to the districts


def test_live_figures_say_so_and_frozen_ones_say_when_and_by_whom(client_for, scheme, users):
    live = ranking_page(client_for("admin"), period="month-8").content.decode()
    assert "实时计算，数据变化后随之变化" in live
    sheet = sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    frozen = ranking_page(client_for("staff_a"), period="month-8").content.decode()
    assert "实时计算" not in frozen
    assert re.search(r"已定稿：2\d{3}-\d\d-\d\d \d\d:\d\d，", frozen)
    name = users["admin"].get_full_name() or users["admin"].username
    assert f"，{name}</span>" in frozen
    assert sheet.frozen_by == users["admin"]


def test_the_freeze_button_only_when_every_month_is_closed(client_for, scheme, users):
    closed = ranking_page(client_for("admin"), period="month-8").content.decode()
    assert 'id="freeze-form"' in closed
    assert '<input type="hidden" name="period" value="month-8">' in closed
    open_quarter = ranking_page(client_for("admin"), period="quarter-3").content.decode()
    assert 'id="freeze-form"' not in open_quarter
    assert "9月尚未锁定，全部锁定后才能定稿。" in open_quarter
    year = ranking_page(client_for("admin"), period="year-1").content.decode()
    assert "9月、10月、11月、12月尚未锁定" in year
    for role in ("staff_a", "leader"):  # not theirs to freeze: neither the button nor the note
        html = ranking_page(client_for(role), period="month-8").content.decode()
        assert 'id="freeze-form"' not in html and "尚未锁定" not in html
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    frozen = ranking_page(client_for("admin"), period="month-8").content.decode()
    assert 'id="freeze-form"' not in frozen


def test_the_freeze_button_freezes(client_for, scheme):
    client = client_for("admin")
    page = ranking_page(client, period="month-8")
    form = re.search(r'<form method="post" action="([^"]+)" id="freeze-form">', page.content.decode())
    response = client.post(form.group(1), {"year": 2015, "period": "month-8"}, follow=True)
    assert response.status_code == 200
    assert ScoreSheet.objects.filter(scheme=scheme, period_kind="month", number=8).count() == 1
    assert "2015年8月考核结果已定稿" in response.content.decode()
    assert response.context["sheet"] is not None


# --- ties and the order of the ranking ---------------------------------------------------------


def problem_due(street, *, on_time):
    """A problem on one of ``street``'s projects due 2015-09-15: solved by then, or still open."""
    project = Project.objects.filter(street=street, listings__year=2015).order_by("pk").first()
    solved = {"status": "pending_close", "resolution": "已协调解决", "resolved_on": date(2015, 9, 10)}
    return Problem.objects.create(
        project=project,
        description=f"考核测试问题（{street.name}）",
        raised_on=date(2015, 9, 1),
        deadline=date(2015, 9, 15),
        **(solved if on_time else {}),
    )


def test_equal_totals_share_a_rank_and_the_next_skips(client_for, weidong):
    """Three streets scored on problems alone: two solved theirs in time (10 points each), one did
    not (8): the page reads 1, 1, 3, the other streets unranked after them."""
    scheme = build_scheme(weidong, criteria=[("问题办结", "problem_closure", "10", "per_late", {"per_item": "2"})])
    Problem.objects.update(deadline=None)  # the demo's problems count no more
    late, first, second = (Street.objects.get(name=name) for name in ("东安路街道", "北环路街道", "皇台街道"))
    problem_due(late, on_time=False)
    problem_due(first, on_time=True)
    problem_due(second, on_time=True)
    ranks = page_ranks(ranking_page(client_for("admin")), "street")
    # tied streets keep the district's order of its streets
    order = list(Street.objects.filter(district=weidong).order_by("sort_order", "name").values_list("name", flat=True))
    tied = sorted(["北环路街道", "皇台街道"], key=order.index)
    assert ranks[:3] == [(1, tied[0]), (1, tied[1]), (3, "东安路街道")]
    assert all(rank is None for rank, _ in ranks[3:]) and len(ranks) == len(order)
    assert scheme.sheets.count() == 0


# --- query counts --------------------------------------------------------------------------------


def more_of_the_district(weidong, n):
    """``n`` more streets, each with two listed projects, a report and a problem due in September."""
    unit = Unit.objects.filter(district=weidong, kind="department").order_by("pk").first()
    for i in range(n):
        street = Street.objects.create(district=weidong, name=f"考核测试{i}街道", sort_order=100 + i)
        for j in range(2):
            project = Project.objects.create(district=weidong, street=street, unit=unit, name=f"考核测试项目{i}-{j}")
            listing = Listing.objects.create(
                project=project, year=2015, level="district", category="continuing", annual_plan=Decimal("1200")
            )
            listing.reports.create(month=8, investment=Decimal("700"), status="submitted", progress="施工中")
            Problem.objects.create(
                project=project, description="测试问题", raised_on=date(2015, 9, 1), deadline=date(2015, 9, 20)
            )


def page_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        assert ranking_page(client, **params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("period", ["month-9", "quarter-3", "year-1"])
def test_the_query_count_does_not_grow_with_the_district(
    client_for, scheme, weidong, period, django_assert_max_num_queries
):
    client = client_for("admin")
    page_queries(client, period=period)  # warm what is read once per process (content types, …)
    before = page_queries(client, period=period)
    more_of_the_district(weidong, 6)
    with django_assert_max_num_queries(before):
        response = ranking_page(client, period=period)
    assert "考核测试5街道" in response.content.decode()
    # The year, still running on the pinned day, also reads its latest reported month once per table
    # (measures.scored_month; cached by the figures cache in production, off in these tests).
    assert before <= (122 if period == "year-1" else 120)


def test_the_breakdown_query_count_does_not_grow_with_the_district(client_for, scheme, weidong):
    client = client_for("admin")
    street = Street.objects.get(name="北环路街道")
    breakdown(client, scheme, "street", street)
    with CaptureQueriesContext(connection) as first:
        breakdown(client, scheme, "street", street)
    more_of_the_district(weidong, 6)
    with CaptureQueriesContext(connection) as second:
        breakdown(client, scheme, "street", street)
    assert len(second) <= len(first)


# --- the breakdown ---------------------------------------------------------------------------------


def test_the_breakdown_shows_each_criterion_in_words(client_for, scheme):
    street = Street.objects.get(name="申楼街道")
    response = breakdown(client_for("admin"), scheme, "street", street)
    assert response.status_code == 200
    html = response.content.decode()
    row = ranking(scheme=scheme, period=SEPTEMBER, kind="street").row(street.pk)
    investment = row.criteria[0].value
    assert (
        f"完成年度计划{investment.percent}%，时序进度75.00%，占时序进度{investment.value}%" in html
    )  # 116.49 in the demo
    assert "60%及以下得0分，120%及以上得满分40分，其间按比例计分" in html
    assert "达到90%得满分15分，每低1个百分点扣0.5分，扣完为止" in html
    assert "满分10分，每个逾期（未完成）事项扣2分，扣完为止" in html
    assert "每项加1分，最多加5分" in html
    assert "33.33%" in html  # problems: one of three in time
    assert "不涉及" in html  # no task due
    assert f"第{row.rank}名（共 13 个街道参加排名）" in html
    assert f"总分 {row.total}" in html
    lines = response.context["lines"]
    assert [line.score.points for line in lines] == [score.points for score in row.criteria]
    problems = lines[3]
    assert (problems.score.value.due, problems.score.value.done, problems.score.value.late) == (3, 1, 2)


def test_the_breakdown_lists_the_adjustments_in_force(client_for, scheme, users):
    street = Street.objects.get(name="北环路街道")
    common = {"scheme": scheme, "period_kind": "month", "number": 9, "subject_kind": "street", "street": street}
    Adjustment.objects.create(**common, points=Decimal("2"), reason="承办全市观摩会", created_by=users["admin"])
    Adjustment.objects.create(
        **common,
        points=Decimal("-1"),
        reason="已撤销的减分",
        created_by=users["admin"],
        withdrawn_at="2015-10-10T10:00Z",
    )
    response = breakdown(client_for("admin"), scheme, "street", street)
    html = response.content.decode()
    assert "承办全市观摩会" in html and "+2.00" in html
    assert "已撤销的减分" not in html
    row = response.context["row"]
    assert row.adjustment == Decimal("2.00") and row.total == row.base + row.bonus + Decimal("2")
    assert f"加减分 2.00 ＝ <strong>总分 {row.total}" in html


def test_a_frozen_breakdown_reads_the_sheet(client_for, scheme, users):
    street = Street.objects.get(name="北环路街道")
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    scheme.criteria.filter(name="投资完成").update(name="投资完成（新）")
    html = breakdown(client_for("admin"), scheme, "street", street, period="month-8").content.decode()
    assert "已定稿：" in html and "可能与定稿时不同" in html
    assert "投资完成（新）" not in html  # the criteria as frozen


@pytest.mark.parametrize(
    "kind, subject, linked",
    [
        ("street", "北环路街道", 8),
        ("street", "申楼街道", 7),
        ("unit", "区工业和信息化局", 6),
        ("unit", "区国土资源局", 1),
    ],
)
def test_every_link_of_a_breakdown_opens(client_for, scheme, kind, subject, linked):
    client = client_for("admin")
    model = Street if kind == "street" else Unit
    response = breakdown(client, scheme, kind, model.objects.get(district__code="410403", name=subject))
    links = [link for line in response.context["lines"] for link in line.links.values()]
    assert len(links) == linked  # one per number above zero
    for link in links:
        assert client.get(link.url).status_code == 200, link.url
        assert link.url in response.content.decode().replace("&amp;", "&")


# --- each number leads to exactly what it counts -----------------------------------------------------


def line_of(response, measure):
    return next(line for line in response.context["lines"] if line.score.criterion.measure == measure)


def test_investment_links_to_the_listings_it_sums(client_for, scheme):
    client = client_for("admin")
    street = Street.objects.get(name="北环路街道")
    line = line_of(breakdown(client, scheme, "street", street), "investment")
    listed = client.get(line.links["value"].url)
    assert listed.status_code == 200
    listings = list(listed.context["listings"])
    assert {item.project_id for item in listings} == set(
        Listing.objects.filter(year=2015, project__street=street).values_list("project_id", flat=True)
    )
    assert listed.context["paginator"].count == len(listings)  # one page: every listing counted
    value = line.score.value
    assert sum(item.annual_plan for item in listings) == value.plan
    assert sum(item.cumulative for item in listings) == value.cumulative


def test_investment_of_a_unit_and_of_a_level(client_for, weidong):
    scheme = build_scheme(weidong, level="city")
    client = client_for("admin")
    unit = Unit.objects.get(district__code="410403", name="区住房和城乡建设局")
    line = line_of(breakdown(client, scheme, "unit", unit), "investment")
    listings = list(client.get(line.links["value"].url).context["listings"])
    expected = Listing.objects.filter(year=2015, level="city", project__unit=unit)
    assert sorted(item.pk for item in listings) == sorted(expected.values_list("pk", flat=True))
    assert sum(item.cumulative for item in listings) == line.score.value.cumulative


def listed_problems(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["figures"]["found"], {problem.pk for problem in response.context["problems"]}


def counted_problems(**subject):
    due = Problem.objects.filter(
        project__listings__year=2015, deadline__gte=date(2015, 9, 1), deadline__lte=date(2015, 9, 30), **subject
    )
    on_time = {p.pk for p in due if p.status in ("resolved", "pending_close") and p.resolved_on <= p.deadline}
    return {p.pk for p in due}, on_time


@pytest.mark.parametrize("kind, subject", [("street", "申楼街道"), ("unit", "区工业和信息化局")])
def test_problem_closure_links_to_the_problems_due_in_time_and_late(client_for, scheme, kind, subject):
    client = client_for("admin")
    if kind == "street":
        target = Street.objects.get(name=subject)
        due, on_time = counted_problems(project__street=target)
    else:
        target = Unit.objects.get(district__code="410403", name=subject)
        due, on_time = counted_problems(unit=target)
    line = line_of(breakdown(client, scheme, kind, target), "problem_closure")
    value = line.score.value
    assert (value.due, value.done, value.late) == (3, 1, 2)  # the demo's September
    assert listed_problems(client, line.links["due"].url) == (3, due)
    assert listed_problems(client, line.links["done"].url) == (1, on_time)
    assert listed_problems(client, line.links["late"].url) == (2, due - on_time)


def test_problem_closure_of_a_quarter_counts_its_months(client_for, scheme):
    client = client_for("admin")
    street = Street.objects.get(name="申楼街道")
    line = line_of(breakdown(client, scheme, "street", street, period="quarter-3"), "problem_closure")
    found, listed = listed_problems(client, line.links["due"].url)
    assert found == line.score.value.due
    assert listed == set(
        Problem.objects.filter(
            project__street=street, deadline__gte=date(2015, 7, 1), deadline__lte=date(2015, 9, 30)
        ).values_list("pk", flat=True)
    )


def late_task(owner, *, replied_on=None):
    """A task of ``owner`` due 2015-09-18, answered on ``replied_on`` or not at all."""
    answered = {"status": "replied", "replied_on": replied_on} if replied_on else {}
    return Task.objects.create(
        district=owner.district,
        owner=owner,
        content=f"考核测试事项（{owner.name}）",
        assigned_on=date(2015, 9, 1),
        deadline=date(2015, 9, 18),
        **answered,
    )


def listed_tasks(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {task.pk for task in response.context["tasks"]}


def test_task_closure_links_to_the_street_offices_tasks(client_for, scheme):
    client = client_for("admin")
    street = Street.objects.get(name="北环路街道")
    office = Unit.objects.get(district__code="410403", name="北环路街道办事处")
    late = {late_task(office).pk, late_task(office, replied_on=date(2015, 9, 25)).pk}
    in_time = late_task(office, replied_on=date(2015, 9, 18)).pk
    late_task(Unit.objects.get(district__code="410403", name="东安路街道办事处"))  # another street's
    line = line_of(breakdown(client, scheme, "street", street), "task_closure")
    demo = set(
        Task.objects.filter(
            owner__street=street, deadline__gte=date(2015, 9, 1), deadline__lte=date(2015, 9, 30)
        ).values_list("pk", flat=True)
    )
    value = line.score.value
    assert value.due == len(demo) and value.late == 2 and value.done == len(demo) - 2
    assert listed_tasks(client, line.links["due"].url) == demo
    assert listed_tasks(client, line.links["late"].url) == late
    assert in_time in listed_tasks(client, line.links["done"].url)
    assert len(listed_tasks(client, line.links["done"].url)) == value.done


def test_task_closure_links_to_a_departments_tasks(client_for, scheme):
    client = client_for("admin")
    unit = Unit.objects.get(district__code="410403", name="区国土资源局")
    late = late_task(unit).pk
    line = line_of(breakdown(client, scheme, "unit", unit), "task_closure")
    assert (line.score.value.due, line.score.value.late) == (1, 1)
    assert listed_tasks(client, line.links["due"].url) == {late}
    assert listed_tasks(client, line.links["late"].url) == {late}
    assert "done" not in line.links  # nothing in time: no link on 0


@pytest.mark.parametrize("kind, subject", [("street", "北环路街道"), ("street", "皇台街道"), ("unit", "区国土资源局")])
def test_approvals_link_to_the_board_whose_total_is_the_count(client_for, scheme, kind, subject):
    client = client_for("admin")
    target = (Street if kind == "street" else Unit).objects.get(district__code="410403", name=subject)
    line = line_of(breakdown(client, scheme, kind, target), "approval_rate")
    board = client.get(line.links["due"].url)
    assert board.status_code == 200
    value = line.score.value
    assert (board.context["total"].counted, board.context["total"].done) == (value.due, value.done)
    assert value.due > 0
    # the board's rows are the subject's projects (or the department's items' projects)
    projects = {row.project.pk for row in board.context["rows"]}
    if kind == "street":
        assert projects and all(Project.objects.get(pk=pk).street == target for pk in projects)
    else:
        assert projects and all(any(i.department_id == target.pk for i in row.items) for row in board.context["rows"])


def test_breakdown_answers_404_for_what_is_not_there(client_for, scheme):
    client = client_for("admin")
    street = Street.objects.get(name="北环路街道")
    other = Street.objects.filter(district__code="410402").first()
    assert client.get(reverse("scoring:subject_score", args=[scheme.pk, "leader", street.pk])).status_code == 404
    assert client.get(reverse("scoring:subject_score", args=[scheme.pk, "street", other.pk])).status_code == 404
    office = Unit.objects.get(
        district__code="410403", name="北环路街道办事处"
    )  # a street office is scored as its street, not as a unit
    assert client.get(reverse("scoring:subject_score", args=[scheme.pk, "unit", office.pk])).status_code == 404
    assert client.get(reverse("scoring:subject_score", args=[999999, "street", street.pk])).status_code == 404


def test_other_districts_scheme_is_out_of_sight(client_for, scheme):
    xinhua = Region.objects.get(code="410402")
    theirs = build_scheme(xinhua)
    street = Street.objects.filter(district=xinhua).first()
    response = client_for("admin").get(reverse("scoring:subject_score", args=[theirs.pk, "street", street.pk]))
    assert response.status_code == 404
