"""考核排名.xlsx: the office's table layout, every row equal to ranking() (live and frozen), the
per-criterion points only for those who may read every breakdown, and the scheme only for those who
may read its district."""

import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from projects.models import Region, Street, Unit
from scoring.models import Adjustment, Criterion
from scoring.periods import ScorePeriod
from scoring.selectors.scores import compute, ranking
from scoring.services.freeze import sheet_freeze
from tests.scoring.conftest import TODAY

pytestmark = pytest.mark.django_db
SEPTEMBER = ScorePeriod("month", 2015, 9)
AUGUST = ScorePeriod("month", 2015, 8)


@pytest.fixture(autouse=True)
def demo_today(settings):
    settings.KP_TODAY = TODAY


def export(client, scheme, **params):
    return client.get(reverse("scoring:ranking_export", args=[scheme.pk]), params)


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def cells(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def points(value):
    """A points cell read back as the Decimal it was written from."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def table(sheet):
    """{name: (rank, {header: Decimal})} of the sheet's rows below its header (row 3)."""
    rows = cells(sheet)
    headers = rows[2]
    out = {}
    for row in rows[3:]:
        if row[0] == "—":
            out[row[1]] = (None, row[2])
        else:
            out[row[1]] = (row[0], {h: points(v) for h, v in zip(headers[2:], row[2:], strict=True)})
    return headers, out


def assert_equals_ranking(sheet, expected, *, breakdown=True):
    """Every row of ``sheet`` is ``expected``'s (a Ranking): rank, name, per-criterion points, base,
    bonus, adjustment and total, in the ranking's order."""
    headers, rows = table(sheet)
    assert [name for name in rows] == [row.name for row in expected.rows]
    for row in expected.rows:
        rank, values = rows[row.name]
        if not row.ranked:
            assert (rank, values) == (None, "本期无考核内容")
            continue
        assert rank == row.rank
        assert values["总分"] == row.total
        if breakdown:
            assert (values["基本分"], values["加分"], values["加减分"]) == (row.base, row.bonus, row.adjustment)
            for score in row.criteria:
                weight = f"{score.criterion.weight:f}".rstrip("0").rstrip(".")
                header = (
                    f"{score.criterion.name}（加分，最高{weight}分）"
                    if score.criterion.is_bonus
                    else f"{score.criterion.name}（{weight}分）"
                )
                assert values[header] == score.points
    return headers


@pytest.fixture
def adjusted(scheme, users):
    """The scheme with a street's 加分 and a unit's 减分 in September."""
    subjects = {
        "street": {"street": Street.objects.get(name="皇台街道", district=scheme.district)},
        "unit": {"unit": Unit.objects.get(name="区发展和改革委员会", district=scheme.district)},
    }
    for kind, value in (("street", "3.5"), ("unit", "-1.25")):
        Adjustment.objects.create(
            scheme=scheme,
            period_kind="month",
            number=9,
            subject_kind=kind,
            points=Decimal(value),
            reason="测试",
            created_by=users["admin"],
            **subjects[kind],
        )
    return scheme


def test_the_live_export_equals_the_ranking_in_the_official_layout(adjusted, client_for):
    response = export(client_for("admin"), adjusted, year=2015, period="month-9")
    filename = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert filename == "卫东区2015年9月重点项目考核排名.xlsx"
    book = workbook(response)
    assert book.sheetnames == ["街道", "责任单位"]
    for sheet, kind in zip(book.worksheets, ("street", "unit"), strict=True):
        expected = ranking(scheme=adjusted, period=SEPTEMBER, kind=kind)
        rows = cells(sheet)
        noun = "街道" if kind == "street" else "责任单位"
        assert rows[0][0] == f"卫东区2015年9月重点项目考核排名（{noun}）"
        assert rows[1][0] == "考核办法：《重点项目考核办法》；未定稿，得分按制表日期的数据计算"
        assert rows[1][-1] == "制表日期：2015-10-20"
        headers = assert_equals_ranking(sheet, expected)
        assert headers == [
            "名次", "名称", "投资完成（40分）", "新开工（15分）", "前期手续（15分）", "问题办结（10分）",
            "交办事项（10分）", "报送及时（10分）", "节点提前（加分，最高5分）", "基本分", "加分", "加减分", "总分",
        ]  # fmt: skip
        assert sheet.print_title_rows == "$1:$3" and sheet.freeze_panes == "C4"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.cell(row=4, column=13).number_format == "0.00"
    # The adjustments are in the file, and the unit with nothing to score is listed last.
    _, streets = table(book["街道"])
    assert streets["皇台街道"][1]["加减分"] == Decimal("3.50")
    _, units = table(book["责任单位"])
    assert units["区发展和改革委员会"][1]["加减分"] == Decimal("-1.25")
    assert list(units)[-1] == "区财政局" and units["区财政局"] == (None, "本期无考核内容")


def test_the_frozen_export_is_the_sheets_whatever_changed_since(scheme, users, client_for):
    sheet = sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    # After freezing, the office renames the scheme and halves the investment criterion.
    scheme.name = "修订后的考核办法"
    scheme.save()
    Criterion.objects.filter(scheme=scheme, name="投资完成").update(weight=Decimal("20"))
    live = {row.name: row.total for row in compute(scheme, AUGUST, "street", today=TODAY)[1]}
    book = workbook(export(client_for("admin"), scheme, year=2015, period="month-8"))
    for worksheet, kind in zip(book.worksheets, ("street", "unit"), strict=True):
        frozen = ranking(scheme=scheme, period=AUGUST, kind=kind)
        assert frozen.frozen
        assert_equals_ranking(worksheet, frozen)
        assert cells(worksheet)[1][0] == (
            # The office's day (Asia/Shanghai), not UTC's: from 16:00 UTC they differ.
            f"考核办法：《重点项目考核办法》；已定稿（{timezone.localtime(sheet.frozen_at):%Y-%m-%d}），得分不再随数据变化"
        )
    _, streets = table(book["街道"])
    assert any(streets[name][1]["总分"] != total for name, total in live.items() if streets[name][0] is not None)


def test_a_staff_users_export_has_the_totals_only(adjusted, client_for):
    book = workbook(export(client_for("staff_a"), adjusted, year=2015, period="month-9"))
    for worksheet, kind in zip(book.worksheets, ("street", "unit"), strict=True):
        headers = assert_equals_ranking(
            worksheet, ranking(scheme=adjusted, period=SEPTEMBER, kind=kind), breakdown=False
        )
        # Nor the parts of a total: another street's adjustment is its breakdown (the adjustments page hides it).
        assert headers == ["名次", "名称", "总分"]


def test_without_a_period_the_export_is_of_the_month_figures_stand_at(scheme, client_for):
    response = export(client_for("leader"), scheme)
    filename = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert filename == "卫东区2015年9月重点项目考核排名.xlsx"
    assert cells(workbook(response)["街道"])[2][2] == "投资完成（40分）"  # a leader reads every breakdown


def test_another_offices_admin_gets_404(scheme, client, django_user_model):
    xinhua = django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )
    client.force_login(xinhua)
    assert export(client, scheme, year=2015, period="month-9").status_code == 404


def test_anonymous_is_sent_to_log_in(scheme, client):
    response = export(client, scheme, year=2015, period="month-9")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "params, words",
    [
        ({"year": 2015, "period": "month-13"}, "考核周期只能是某月、某季度或全年"),
        ({"year": "abc", "period": "month-9"}, "年度必须是数字"),
        ({"year": "2015²", "period": "month-9"}, "年度必须是数字"),  # "²".isdigit(), yet no number
        ({"year": 2016, "period": "month-9"}, "本考核方案是2015年的，不能导出2016年的排名"),
    ],
)
def test_a_bad_period_sends_no_file_and_says_why(scheme, client_for, params, words):
    response = export(client_for("admin"), scheme, **params)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('scoring:ranking')}?region=410403&year=2015"
    assert any(words in str(message) for message in get_messages(response.wsgi_request))


def test_the_exports_queries_do_not_grow_with_the_subjects(adjusted, client_for, django_assert_max_num_queries):
    client = client_for("admin")
    export(client, adjusted, year=2015, period="month-9")  # the session and the user, once
    with django_assert_max_num_queries(40) as queries:
        workbook(export(client, adjusted, year=2015, period="month-9"))
    before = len(queries)
    district = adjusted.district
    for number in range(1, 21):
        Street.objects.create(district=district, name=f"新增街道{number}", sort_order=100 + number)
        Unit.objects.create(district=district, name=f"新增部门{number}", kind="department", sort_order=100 + number)
    with django_assert_max_num_queries(before):
        book = workbook(export(client, adjusted, year=2015, period="month-9"))
    assert len(cells(book["街道"])) == 3 + 13 + 20


@pytest.mark.parametrize("role", ["admin", "staff_a"])
def test_the_exports_rows_are_the_pages_rows(adjusted, client_for, role):
    """The issue's "export totals equal the page": the ranking page and the download, asked for the
    same period by the same user, list the same subjects with the same ranks and points."""
    client = client_for(role)
    page = client.get(reverse("scoring:ranking"), {"region": "410403", "year": "2015", "period": "month-9"})
    assert page.status_code == 200
    book = workbook(export(client, adjusted, year="2015", period="month-9"))
    for shown, sheet in zip(page.context["tables"], book.worksheets, strict=True):
        _, rows = table(sheet)
        page_rows = [item.score for item in shown.rows]
        assert list(rows) == [row.name for row in page_rows]
        for row in page_rows:
            rank, values = rows[row.name]
            if row.ranked:
                assert (rank, values["总分"]) == (row.rank, row.total)
                if shown.show_criteria:
                    assert (values["基本分"], values["加分"], values["加减分"]) == (row.base, row.bonus, row.adjustment)
                    assert len(values) == len(row.criteria) + 4
                else:
                    assert list(values) == ["总分"]
            else:
                assert rank is None
