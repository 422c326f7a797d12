"""要素保障 of a project as people use it: the year's land and funding page (saving, clearing a row,
warnings, bad input, a stale page, who may do what), the project page's section and the overview's
panel against totals worked out by hand on demo projects."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.choices import FundingSource
from approvals.models import Funding, LandSupply, StatisticsRegistration
from approvals.selectors.resources import node_resources, project_resources
from approvals.services.resources import (
    FundingInput,
    LandInput,
    StaleEdit,
    resources_save,
    resources_version,
)
from approvals.views.resources import resources_panel, resources_section
from projects import clock
from projects.models import Project, Region
from projects.services.errors import PermissionDenied, ValidationError

# Each test builds its own approvals on the demo's projects.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_demo_approvals")]

ZHENGSHUN = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道 (staff_a's street), city list 2015
TIANAN = "天安名郡(卫东区陈家岗下午三组改造)"  # 北环路街道, city list 2015
HENGYU = "恒宇·东城国际"  # 建设路街道, city list 2015, followed by 王某 (leader)
DISTRICT_LISTED = "北环路新型墙材厂（示例）"  # 北环路街道, district list 2015
SOURCES = FundingSource.values


def project(name):
    return Project.objects.get(name=name)


def url(p, year=None):
    base = reverse("approvals:resources_edit", args=[p.pk])
    return f"{base}?year={year}" if year else base


def form_data(p, year=2015, land=None, **rows):
    """The page's POST: the version it was opened at, the land row, and the funding rows given as
    source=(planned, secured, secured_on, notes); every other source left blank."""
    data = {"version": resources_version(project=p, year=year)}
    needed, supplied, supplied_on, notes = land or ("", "", "", "")
    data.update(
        {"land-needed": needed, "land-supplied": supplied, "land-supplied_on": supplied_on, "land-notes": notes}
    )
    for source in SOURCES:
        planned, secured, secured_on, notes = rows.get(source, ("", "", "", ""))
        data.update(
            {
                f"{source}-planned": planned,
                f"{source}-secured": secured,
                f"{source}-secured_on": secured_on,
                f"{source}-notes": notes,
            }
        )
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def save(user, p, year=2015, land=None, **fundings):
    return resources_save(
        user=user,
        project=p,
        year=year,
        land=land or LandInput(),
        fundings={source: fundings.get(source, FundingInput()) for source in SOURCES},
        expected_version=resources_version(project=p, year=year),
    )


# ---- saving -------------------------------------------------------------------------------------


def test_staff_saves_the_years_land_and_funding_in_one_go(client_for, users):
    p = project(ZHENGSHUN)
    response = client_for("staff_a").post(
        url(p, 2015),
        form_data(
            p,
            land=("120", "80.5", "2015-08-20", "一期用地已挂牌"),
            fiscal=("1,200", "600", "2015-09-10", ""),
            special_bond=("５０００", "3000", "2015-07-01", "2015年第三批专项债"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == p.get_absolute_url() + "#resources"
    land = LandSupply.objects.get(project=p, year=2015)
    assert (land.needed, land.supplied, land.supplied_on, land.notes) == (
        Decimal("120"),
        Decimal("80.5"),
        date(2015, 8, 20),
        "一期用地已挂牌",
    )
    rows = {row.source: row for row in Funding.objects.filter(project=p, year=2015)}
    assert set(rows) == {"fiscal", "special_bond"}  # blank sources are not stored
    assert (rows["fiscal"].planned, rows["fiscal"].secured) == (Decimal("1200"), Decimal("600"))
    assert (rows["special_bond"].planned, rows["special_bond"].secured) == (Decimal("5000"), Decimal("3000"))
    assert rows["special_bond"].history.latest().history_user == users["staff_a"]
    assert "2015年要素保障已保存。" in messages_of(response)


def test_a_row_cleared_to_zeros_is_removed_and_a_row_with_a_note_kept(users):
    p = project(ZHENGSHUN)
    save(
        users["admin"],
        p,
        land=LandInput(needed=Decimal("50")),
        fiscal=FundingInput(planned=Decimal("100")),
        bank_loan=FundingInput(planned=Decimal("900"), secured=Decimal("300")),
    )
    save(
        users["admin"],
        p,
        land=LandInput(),
        fiscal=FundingInput(notes="待财政局下达"),
        bank_loan=FundingInput(planned=Decimal("0"), secured=Decimal("0")),
    )
    assert not LandSupply.objects.filter(project=p).exists()
    removed = LandSupply.history.filter(project_id=p.pk).latest()
    assert (removed.history_type, removed.history_user, removed.history_change_reason) == (
        "-",
        users["admin"],
        "2015年要素保障",
    )
    assert list(Funding.objects.filter(project=p).values_list("source", "planned", "notes")) == [
        ("fiscal", Decimal("0.00"), "待财政局下达")
    ]


def test_saving_an_unchanged_page_writes_nothing(users):
    p = project(ZHENGSHUN)
    save(users["admin"], p, fiscal=FundingInput(planned=Decimal("100")))
    version = resources_version(project=p, year=2015)
    save(users["admin"], p, fiscal=FundingInput(planned=Decimal("100.00")))
    assert resources_version(project=p, year=2015) == version
    assert Funding.objects.get(project=p).history.count() == 1


def test_more_money_or_land_than_planned_is_saved_with_a_warning(client_for):
    p = project(ZHENGSHUN)
    response = client_for("admin").post(
        url(p, 2015), form_data(p, land=("10", "12", "", ""), self_raised=("100", "150", "2015-09-01", ""))
    )
    assert response.status_code == 302
    said = messages_of(response)
    assert "已供地 12.00 亩超过需用地 10.00 亩，请核对。" in said
    assert "自筹已到位 150.00 万元超过计划 100.00 万元，请核对。" in said
    assert Funding.objects.get(project=p, source="self_raised").secured == Decimal("150")


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("fiscal-planned", "-5", "财政资金计划（万元）不能为负数。"),
        ("fiscal-secured", "12,34", "「12,34」不是有效的金额"),
        ("land-needed", "很多", "「很多」不是有效的金额"),
        ("land-supplied", "1e3", "不能用科学计数法"),
        ("bank_loan-secured_on", "2015-13-01", "到位日期格式应为 2015-09-30。"),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(client_for, field, value, message):
    p = project(ZHENGSHUN)
    data = form_data(p, fiscal=("100", "50", "", ""))
    data[field] = value
    response = client_for("admin").post(url(p, 2015), data)
    assert response.status_code == 200  # the form again, with the message
    assert message in response.content.decode()
    assert not Funding.objects.filter(project=p).exists()
    assert f'value="{value}"' in response.content.decode()  # what was typed stays in the form


def test_dates_after_today_and_dates_without_amounts_are_refused(client_for):
    p = project(ZHENGSHUN)
    tomorrow = clock.today() + timedelta(days=1)
    response = client_for("admin").post(
        url(p, 2015),
        form_data(p, land=("10", "", "2015-05-01", ""), fiscal=("100", "50", tomorrow.isoformat(), "")),
    )
    page = response.content.decode()
    assert response.status_code == 200  # the form again, with the message
    assert f"财政资金到位日期不能晚于今天（{clock.today():%Y-%m-%d}）。" in page
    assert "填写了供地日期，请同时填写已供地面积。" in page
    assert not Funding.objects.filter(project=p).exists() and not LandSupply.objects.filter(project=p).exists()


def test_a_year_the_project_is_not_listed_is_refused_by_the_service(users):
    p = project(ZHENGSHUN)
    with pytest.raises(ValidationError, match="该项目2014年未列入重点项目清单"):
        save(users["admin"], p, year=2014, fiscal=FundingInput(planned=Decimal("1")))
    assert not Funding.objects.filter(project=p).exists()


def test_the_page_opens_on_the_latest_listed_year_and_says_so_for_another(client_for):
    p = project(ZHENGSHUN)
    response = client_for("admin").get(url(p, 2014))
    assert response.status_code == 200
    assert response.context["year"] == 2015
    assert "该项目2014年未列入重点项目清单（已列入年度：2015），已显示最近的清单年度。" in messages_of(response)
    assert client_for("admin").get(url(p) + "?year=abc").context["year"] == 2015


# ---- no silent overwrite ------------------------------------------------------------------------


def test_a_page_opened_before_someone_elses_save_is_refused_and_keeps_the_input(client_for, users):
    p = project(ZHENGSHUN)
    stale = form_data(p, fiscal=("100", "40", "", "我的填写"))
    save(users["admin"], p, fiscal=FundingInput(planned=Decimal("300"), secured=Decimal("200")))

    response = client_for("staff_a").post(url(p, 2015), stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "该项目本年度的要素保障已被他人修改并保存，您的修改未写入" in page
    assert "对方已保存的内容" in page and "300.00" in page
    assert 'value="我的填写"' in page  # the user's input is kept
    row = Funding.objects.get(project=p, source="fiscal")
    assert (row.planned, row.secured, row.notes) == (Decimal("300"), Decimal("200"), "")
    # The refused page carries the new version: saving it again deliberately replaces theirs.
    again = {**stale, "version": response.context["form"].head["version"].value()}
    assert client_for("staff_a").post(url(p, 2015), again).status_code == 302
    assert Funding.objects.get(project=p, source="fiscal").notes == "我的填写"


def test_a_row_removed_by_someone_else_also_makes_the_page_stale(users):
    p = project(ZHENGSHUN)
    save(users["admin"], p, fiscal=FundingInput(planned=Decimal("1")), bank_loan=FundingInput(planned=Decimal("2")))
    opened = resources_version(project=p, year=2015)
    save(users["admin"], p, fiscal=FundingInput(planned=Decimal("1")))  # bank loan cleared
    with pytest.raises(StaleEdit):
        resources_save(
            user=users["staff_a"],
            project=p,
            year=2015,
            land=LandInput(),
            fundings={"fiscal": FundingInput(planned=Decimal("5"))},
            expected_version=opened,
        )


# ---- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, name, get_status, post_status",
    [
        ("admin", ZHENGSHUN, 200, 302),
        ("staff_a", ZHENGSHUN, 200, 302),  # the project lies in staff_a's street
        ("staff_b", ZHENGSHUN, 404, 404),  # another street's staff: no such project for them
        ("leader", HENGYU, 200, 403),  # a followed project: read, not write
        ("leader", ZHENGSHUN, 404, 404),  # not followed
        ("other_leader", HENGYU, 404, 404),
    ],
)
def test_scope_of_the_resources_page(client_for, role, name, get_status, post_status):
    p = project(name)
    client = client_for(role)
    response = client.get(url(p, 2015))
    assert response.status_code == get_status
    posted = client.post(url(p, 2015), form_data(p, fiscal=("100", "", "", "")))
    assert posted.status_code == post_status
    assert Funding.objects.filter(project=p).exists() == (post_status == 302)


def test_a_leader_reads_the_saved_rows_without_a_form(client_for, users):
    p = project(HENGYU)
    save(users["admin"], p, special_bond=FundingInput(planned=Decimal("8000"), secured=Decimal("2000")))
    response = client_for("leader").get(url(p, 2015))
    page = response.content.decode()
    assert response.context["form"] is None and "resources-form" not in page
    assert "专项债" in page and "8,000.00" in page and "您可以查看，不能修改" in page


def test_the_service_refuses_those_who_do_not_keep_the_project(users):
    with pytest.raises(PermissionDenied):
        save(users["leader"], project(HENGYU), fiscal=FundingInput(planned=Decimal("1")))
    with pytest.raises(PermissionDenied):
        save(users["staff_b"], project(ZHENGSHUN), fiscal=FundingInput(planned=Decimal("1")))
    assert not Funding.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client_for):
    response = client_for("anonymous").get(url(project(ZHENGSHUN)))
    assert response.status_code == 302 and "login" in response["Location"]


# ---- the project page's section -----------------------------------------------------------------


def section(user, p):
    request = RequestFactory().get(p.get_absolute_url())
    request.user = user
    return resources_section(request, p)


def test_the_section_shows_land_funding_by_source_and_special_bonds(users, client_for):
    p = project(TIANAN)
    save(
        users["admin"],
        p,
        land=LandInput(needed=Decimal("86.4"), supplied=Decimal("43.2"), supplied_on=date(2015, 6, 30)),
        fiscal=FundingInput(planned=Decimal("2000"), secured=Decimal("500")),
        special_bond=FundingInput(planned=Decimal("6000"), secured=Decimal("4500"), secured_on=date(2015, 9, 15)),
        self_raised=FundingInput(planned=Decimal("8000"), secured=Decimal("7000")),
    )
    r = project_resources(project=p)
    (year,) = r.years
    assert [line.source for line in year.fundings] == ["fiscal", "special_bond", "self_raised"]
    # 合计 by hand: planned 2000 + 6000 + 8000, secured 500 + 4500 + 7000.
    assert (year.total.planned, year.total.secured, year.total.rate) == (
        Decimal("16000.00"),
        Decimal("12000.00"),
        Decimal("75.00"),
    )
    assert year.special_bond.rate == Decimal("75.00") and year.land.rate == Decimal("50.00")

    page = client_for("staff_a").get(p.get_absolute_url()).content.decode()
    assert 'id="resources"' in page
    assert "需用地 86.40 亩，已供地 43.20 亩（50.00%），最近供地 2015-06-30" in page
    assert "其中专项债：计划 6,000.00 万元，已到位 4,500.00 万元（75.00%）。" in page
    assert "16,000.00" in page and "12,000.00" in page
    assert "未入统" in page
    assert "填报用地和资金" in page and "填写入统情况" not in page  # staff keep resources, not 入统


def test_the_section_says_when_nothing_is_entered_and_links_by_role(users):
    p = project(HENGYU)
    assert "尚未填报用地、资金和入统情况。" in section(users["leader"], p)
    assert "填报用地和资金" not in section(users["leader"], p)
    admin_view = section(users["admin"], p)
    assert "填报用地和资金" in admin_view and "填写入统情况" in admin_view


def test_the_section_reads_a_fixed_number_of_queries(users):
    p = project(TIANAN)
    with CaptureQueriesContext(connection) as empty:
        section(users["admin"], p)
    save(users["admin"], p, fiscal=FundingInput(planned=Decimal("1")), bank_loan=FundingInput(planned=Decimal("2")))
    # Another year's rows too (as if the project were listed in 2014 as well).
    LandSupply.objects.create(project=p, year=2014, needed=Decimal("5"))
    Funding.objects.create(project=p, year=2014, source="other", planned=Decimal("3"))
    StatisticsRegistration.objects.create(project=p, registered=True, registered_on=date(2015, 3, 1))
    for month in (3, 6, 9):
        p.statistics_figures.create(year=2015, month=month, cumulative=Decimal(month * 1000))
    with CaptureQueriesContext(connection) as full:
        html = section(users["admin"], p)
    assert "2014年" in html and "2015年" in html and "已入统（2015-03-01）" in html
    assert len(full.captured_queries) == len(empty.captured_queries)


# ---- the overview's panel -----------------------------------------------------------------------


def panel(user, *, level="city", region=None):
    request = RequestFactory().get("/")
    request.user = user
    return resources_panel(request, 2015, 9, level, region or Region.objects.get(code="410403"))


def test_the_panel_totals_the_nodes_list_by_source(users, client_for):
    admin = users["admin"]
    save(
        admin,
        project(ZHENGSHUN),
        land=LandInput(needed=Decimal("120"), supplied=Decimal("80")),
        fiscal=FundingInput(planned=Decimal("1000"), secured=Decimal("400")),
        special_bond=FundingInput(planned=Decimal("5000"), secured=Decimal("2500")),
    )
    save(
        admin,
        project(TIANAN),
        land=LandInput(needed=Decimal("30"), supplied=Decimal("30")),
        special_bond=FundingInput(planned=Decimal("3000"), secured=Decimal("500")),
        bank_loan=FundingInput(planned=Decimal("2000"), secured=Decimal("0")),
    )
    # On the district's list, not the city's: not in the city-level panel.
    save(admin, project(DISTRICT_LISTED), fiscal=FundingInput(planned=Decimal("777"), secured=Decimal("777")))
    StatisticsRegistration.objects.create(project=project(ZHENGSHUN), registered=True, registered_on=date(2015, 4, 1))
    StatisticsRegistration.objects.create(project=project(TIANAN), registered=False)

    figures = node_resources(user=admin, year=2015, level="city", region=Region.objects.get(code="410403"))
    by_source = {line.source: (line.projects, line.planned, line.secured) for line in figures.fundings}
    assert by_source == {
        "fiscal": (1, Decimal("1000.00"), Decimal("400.00")),
        "special_bond": (2, Decimal("8000.00"), Decimal("3000.00")),
        "bank_loan": (1, Decimal("2000.00"), Decimal("0.00")),
    }
    # By hand: planned 1000 + 5000 + 3000 + 2000 = 11000, secured 400 + 2500 + 500 = 3400 (30.91%).
    assert (figures.total.planned, figures.total.secured, figures.total.rate) == (
        Decimal("11000.00"),
        Decimal("3400.00"),
        Decimal("30.91"),
    )
    assert figures.special_bond.rate == Decimal("37.50")
    assert (figures.land.needed, figures.land.supplied) == (Decimal("150.00"), Decimal("110.00"))
    assert (figures.registered, figures.listed) == (1, 26)  # 26 municipal projects in 2015 (DOMAIN.md)

    html = panel(admin)
    assert "其中专项债：2 个项目，计划 8,000.00 万元，已到位 3,000.00 万元（37.50%）。" in html
    assert '<strong id="resources-registered">1</strong> / 26 个' in html
    district = node_resources(user=admin, year=2015, level="district", region=Region.objects.get(code="410403"))
    assert district.total.planned == Decimal("777.00")
    # Every role who reads the district's overview reads the same totals there.
    page = client_for("staff_a").get(reverse("projects:overview") + "?year=2015&month=9&level=city").content.decode()
    assert 'id="resources-panel"' in page and '<strong id="resources-planned">11,000.00</strong>' in page


def test_the_panel_is_empty_for_a_node_without_resources(users):
    assert panel(users["admin"]) == ""
    StatisticsRegistration.objects.create(project=project(HENGYU), registered=True, registered_on=date(2015, 2, 1))
    assert 'id="resources-panel"' in panel(users["admin"])
    assert panel(users["admin"], level="province") == ""


# ---- every word a person reads is Chinese -------------------------------------------------------


def test_the_pages_speak_chinese_filled_refused_and_read_only(users, client_for):
    from tests.test_language import data_words, english_in

    p, followed = project(ZHENGSHUN), project(HENGYU)
    save(users["admin"], p, land=LandInput(needed=Decimal("5")), special_bond=FundingInput(planned=Decimal("9")))
    save(users["admin"], followed, fiscal=FundingInput(planned=Decimal("1")))
    StatisticsRegistration.objects.create(project=p, registered=True, registered_on=date(2015, 3, 1))
    p.statistics_figures.create(year=2015, month=9, cumulative=Decimal("15000"))
    bad = form_data(p, fiscal=("-1", "x", "2015-02-30", ""))
    stale = {**form_data(p), "version": "old"}
    stats = reverse("approvals:statistics_edit", args=[p.pk])
    pages = [
        client_for("admin").get(url(p, 2015)),
        client_for("admin").post(url(p, 2015), bad),
        client_for("admin").post(url(p, 2015), stale),
        client_for("leader").get(url(followed, 2015)),
        client_for("admin").get(stats),
        client_for("admin").post(stats, {"version": "old", "registered_on": "2015-01-01", "month_3": "-2"}),
        client_for("staff_a").get(stats),
        client_for("staff_a").get(p.get_absolute_url()),
        client_for("admin").get(reverse("projects:overview") + "?year=2015&month=9&level=city"),
    ]
    words = data_words()
    for response in pages:
        assert response.status_code in (200, 409)
        assert english_in(response.content.decode(), words) == [], response.wsgi_request.path
