"""The month's 考核 ranking in a district's bulletin: figures equal to ranking(), live or frozen, in
section 三's prose and tables and in the .docx; kept as issued; absent where there is no scheme, and
from a street's or a city's bulletin."""

import io
from decimal import Decimal

import pytest
from docx import Document

from bulletins.documents import render_docx
from bulletins.selectors.drafts import bulletin_draft
from bulletins.services.issue import bulletin_issue
from projects.models import Region, Street
from scoring.models import Adjustment
from scoring.periods import ScorePeriod
from scoring.selectors.scores import ranking
from scoring.services.freeze import sheet_freeze
from tests.scoring.conftest import TODAY, build_scheme, clear_schemes

pytestmark = pytest.mark.django_db
SEPTEMBER = ScorePeriod("month", 2015, 9)
AUGUST = ScorePeriod("month", 2015, 8)


@pytest.fixture(autouse=True)
def demo_today(settings):
    settings.KP_TODAY = TODAY


@pytest.fixture
def weidong(users):
    return Region.objects.get(code="410403")


@pytest.fixture
def scheme(weidong):
    """A 2015 scheme of the scoring tests' criteria, in place of the demo's."""
    return build_scheme(weidong, name="卫东区重点项目考核办法（测试）")


def draft(user, **kwargs):
    return bulletin_draft(user=user, **{"year": 2015, "month": 9, "level": "city", **kwargs})


def places(d):
    return next(s for s in d.sections if s.key == "places")


def expected_rows(scheme, period, kind):
    return [[row.rank, row.name, str(row.total)] for row in ranking(scheme=scheme, period=period, kind=kind).ranked]


def test_the_september_bulletin_of_weidong_carries_the_ranking(scheme, users):
    d = draft(users["admin"])
    streets = expected_rows(scheme, SEPTEMBER, "street")
    units = expected_rows(scheme, SEPTEMBER, "unit")
    assert d.figures["scoring"] == {
        "scheme": "卫东区重点项目考核办法（测试）",
        "period": "2015年9月",
        "frozen": False,
        "streets": streets,
        "units": units,
    }
    assert len(streets) == 13 and len(units) == 10  # 区财政局 has nothing to score
    section = places(d)
    assert [table.headers for table in section.tables[2:]] == [["名次", "街道", "得分"], ["名次", "责任单位", "得分"]]
    assert section.tables[2].rows == [[str(rank), name, total] for rank, name, total in streets]
    assert section.tables[3].rows == [[str(rank), name, total] for rank, name, total in units]
    (text,) = [p for p in section.paragraphs if p.startswith("按《")]
    assert text.startswith("按《卫东区重点项目考核办法（测试）》，2015年9月各街道得分前三名为")
    last_three = "、".join(f"{name}（{total}分）" for _, name, total in streets[-3:])
    assert f"，后三名为{last_three}；各责任单位得分前三名为" in text
    assert text.endswith("区财政局本期无考核内容，不参加排名。以上得分尚未定稿，按截至10月20日的数据计算。")
    # The other sections keep their numbers, and the reporting sentence still closes section 三.
    assert [s.title[:2] for s in d.sections] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert section.paragraphs[-1].startswith("9月项目进展报送截止")


def test_ties_share_a_place_in_the_sentence(scheme, users):
    top = [row for row in expected_rows(scheme, SEPTEMBER, "street") if row[0] == 1]
    assert len(top) > 1  # the demo's streets ahead of schedule all score full marks
    (text,) = [p for p in places(draft(users["admin"])).paragraphs if p.startswith("按《")]
    assert f"前三名为{'、'.join(name for _, name, _ in top)}（并列，{top[0][2]}分）" in text


def test_a_frozen_month_is_read_from_its_sheet(scheme, users):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    frozen = expected_rows(scheme, AUGUST, "street")
    # An adjustment entered after freezing changes nothing in the frozen month.
    Adjustment.objects.create(
        scheme=scheme,
        period_kind="month",
        number=8,
        subject_kind="street",
        street=Street.objects.get(name=frozen[-1][1], district=scheme.district),
        points=Decimal("50"),
        reason="定稿后录入",
        created_by=users["admin"],
    )
    d = draft(users["admin"], month=8)
    assert d.figures["scoring"]["frozen"] is True
    assert d.figures["scoring"]["streets"] == frozen == expected_rows(scheme, AUGUST, "street")
    assert [p for p in places(d).paragraphs if p.startswith("按《")][0].endswith("以上得分已定稿。")


def test_the_docx_prints_the_ranking_tables(scheme, users, weidong):
    content = {**draft(users["admin"]).as_dict(), "next_steps": "", "notes": ""}
    document = Document(io.BytesIO(render_docx(content, office=weidong)))
    printed = {
        tuple(cell.text for cell in table.rows[0].cells): [[cell.text for cell in row.cells] for row in table.rows[1:]]
        for table in document.tables
    }
    streets = expected_rows(scheme, SEPTEMBER, "street")
    assert printed[("名次", "街道", "得分")] == [[str(rank), name, total] for rank, name, total in streets]
    assert len(printed[("名次", "责任单位", "得分")]) == 10
    assert any(p.text.startswith("按《卫东区重点项目考核办法（测试）》") for p in document.paragraphs)


def test_an_issued_bulletin_keeps_the_ranking_it_was_issued_with(scheme, users):
    bulletin = bulletin_issue(by=users["admin"], year=2015, month=9, level="city")
    issued = bulletin.figures["scoring"]
    Adjustment.objects.create(
        scheme=scheme,
        period_kind="month",
        number=9,
        subject_kind="street",
        street=Street.objects.get(name="皇台街道", district=scheme.district),
        points=Decimal("10"),
        reason="签发后录入",
        created_by=users["admin"],
    )
    bulletin.refresh_from_db()
    assert bulletin.figures["scoring"] == issued
    assert draft(users["admin"]).figures["scoring"]["streets"] != issued["streets"]


def test_a_district_without_a_scheme_has_no_ranking(weidong, users):
    clear_schemes(weidong, 2015)
    d = draft(users["admin"])
    assert "scoring" not in d.figures
    section = places(d)
    assert len(section.tables) == 2
    assert not any("考核" in paragraph for s in d.sections for paragraph in s.paragraphs)


def test_a_streets_bulletin_and_a_citys_have_no_ranking(scheme, users, django_user_model):
    street = Street.objects.get(name="北环路街道", district=scheme.district)
    assert "scoring" not in draft(users["admin"], street=street).figures
    city = draft(django_user_model.objects.get(username="city"), region=Region.objects.get(code="410400"))
    assert city.place == "平顶山市"
    assert "scoring" not in city.figures
    assert not any("考核" in paragraph for s in city.sections for paragraph in s.paragraphs)


def test_fewer_than_three_after_the_first_three_are_not_called_the_last_three():
    """Five streets: the first three, then 其后为 the other two (not "后三名" naming two)."""
    from bulletins.selectors.scoring import scoring_text

    rows = [[1, "甲街道", "99.00"], [2, "乙街道", "98.00"], [3, "丙街道", "97.00"], [4, "丁街道", "96.00"]]
    rows.append([5, "戊街道", "95.00"])
    figures = {"scheme": "考核办法", "period": "2015年9月", "frozen": True, "streets": rows, "units": []}
    text, tables = scoring_text(figures, [])
    assert "各街道得分前三名为甲街道（99.00分）、乙街道（98.00分）、丙街道（97.00分），其后为丁街道" in text
    assert "后三名" not in text
    six = [*rows, [6, "己街道", "94.00"]]
    text, _ = scoring_text({**figures, "streets": six}, [])
    assert "后三名为丁街道（96.00分）、戊街道（95.00分）、己街道（94.00分）" in text
