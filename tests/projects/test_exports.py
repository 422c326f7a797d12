"""The Excel files the office sends upward, opened with openpyxl and checked cell by cell."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Assignment, Listing, MonthlyReport, Problem, Project, Region
from projects.selectors.dashboard import overview
from projects.services.cumulatives import cumulatives_refresh

pytestmark = pytest.mark.usefixtures("demo")


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def progress(client, **params):
    params = {"year": 2015, "month": 9, "level": "city", **params}
    return workbook(client.get(reverse("projects:export_progress"), params)).active


def rows_by_label(sheet):
    return {row[1].value: row for row in sheet.iter_rows(min_row=4) if row[1].value in ("小计", "合计")}


def test_progress_table_layout_and_totals_on_the_demo_data(client_for, users):
    sheet = progress(client_for("admin"))
    assert sheet["A1"].value == "卫东区2015年市重点项目建设进展情况表（1-9月）"
    assert "A1:L1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet["A2"].value == "单位：万元" and sheet["L2"].value.startswith("制表日期：")
    headers = [cell.value for cell in sheet[3]]
    assert headers == [
        "序号", "项目名称", "建设单位", "建设内容及规模", "总投资", "年度计划投资", "1-9月完成投资",
        "占年度计划（%）", "形象进度", "存在问题", "联系领导", "责任单位",
    ]  # fmt: skip
    assert all(
        cell.font.bold and cell.alignment.horizontal == "center" and cell.alignment.wrap_text for cell in sheet[3]
    )
    assert all(cell.border.left.style == "thin" for cell in sheet[3])
    sections = [row[0].value for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, str)]
    assert sections == ["一、计划建成项目（3个）", "二、续建项目（16个）", "三、新开工项目（7个）"]
    projects = [row for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, int)]
    assert len(projects) == 26 and [row[0].value for row in projects] == list(range(1, 27))
    subtotals = [row for row in sheet.iter_rows(min_row=4) if row[1].value == "小计"]
    assert [(row[5].value, row[6].value) for row in subtotals] == [(102000, 99700), (248950, 236900), (89000, 75100)]
    total = [row for row in sheet.iter_rows(min_row=4) if row[1].value == "合计"][0]
    assert (total[5].value, total[6].value) == (439950, 411700)
    assert Decimal(str(total[7].value)) == Decimal("0.9358") and total[7].number_format == "0.00%"
    dashboard = overview(user=users["admin"], year=2015, month=9, level="city").summary
    assert (Decimal(str(total[5].value)), Decimal(str(total[6].value))) == (dashboard.annual_plan, dashboard.cumulative)
    assert Decimal(str(total[7].value)) * 100 == dashboard.percent


def test_progress_table_numbers_are_numbers_and_print_settings(client_for):
    sheet = progress(client_for("admin"))
    row = next(row for row in sheet.iter_rows(min_row=4) if row[1].value == "市正顺化工公司技改10万吨/年洗油深加工")
    assert row[4].data_type == "n" and row[4].number_format == "#,##0.00"
    assert row[6].value == 14600 and row[7].number_format == "0.00%"
    assert "两座高48米的蒸馏塔已建成" in row[8].value and row[8].alignment.wrap_text
    assert row[10].value == "陈某" and row[11].value == "区工业和信息化局"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A3) == 8  # A3
    assert sheet.page_setup.orientation == "landscape"
    # One page wide: fitToWidth is 1 when written, and 1 is also its default when left out.
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and (sheet.page_setup.fitToWidth or 1) == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$3" and sheet.freeze_panes == "C4"
    assert sheet.column_dimensions["B"].width >= 20


def test_unresolved_problems_appear_on_their_row(client_for):
    sheet = progress(client_for("admin"))
    row = next(row for row in sheet.iter_rows(min_row=4) if row[1].value == "恒宇·东城国际")
    assert row[9].value == "项目用地指标未落实，需国土部门协调报批"


FORMULA_LIKE = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTAB", "=1+1"]


def test_formula_like_text_is_written_as_plain_text(client_for):
    for index, name in enumerate(FORMULA_LIKE):
        project = Project.objects.create(
            name=name, owner=name, total_investment=Decimal("10"), district=Region.objects.get(code="410403")
        )
        Listing.objects.create(
            project=project, year=2015, level="city", category="continuing", annual_plan=Decimal(1 + index)
        )
    sheet = progress(client_for("admin"))
    found = {row[1].value: row for row in sheet.iter_rows(min_row=4) if row[1].value in FORMULA_LIKE}
    assert set(found) == set(FORMULA_LIKE)
    for name, row in found.items():
        assert row[1].data_type == "s" and row[2].data_type == "s" and row[2].value == name
        assert row[5].data_type == "n"  # a genuine number stays a number
    ledger = workbook(client_for("admin").get(reverse("projects:export_projects"), {"q": "SUM"})).active
    assert [(c.value, c.data_type) for c in ledger["B"]][1] == ("@SUM(A1:A2)", "s")


def test_a_leaders_progress_table_holds_only_his_projects(client_for, users):
    sheet = progress(client_for("leader"))
    names = {row[1].value for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, int)}
    assert names == {"东安路片区旧城改造（示例）", "恒宇·东城国际"}  # his two city-level projects
    total = [row for row in sheet.iter_rows(min_row=4) if row[1].value == "合计"][0]
    assert total[5].value == 10000 + 28000


def test_progress_table_for_one_street(client_for):
    from projects.models import Street

    street = Street.objects.get(name="北环路街道")
    sheet = progress(client_for("admin"), street=street.pk)
    names = {row[1].value for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, int)}
    assert names == set(
        Listing.objects.filter(year=2015, level="city", project__street=street).values_list("project__name", flat=True)
    )


def test_problem_ledger_export_in_scope_with_overdue_and_filters(client_for):
    sheet = workbook(client_for("admin").get(reverse("projects:export_problems"))).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 50
    assert sum(1 for row in rows if row[14] == "已逾期") == 12 == sum(1 for row in rows if row[9] == "协调解决中")
    # The office resolved the demo's problems itself: each is 销号 on the day it was solved.
    resolved = [row for row in rows if row[9] == "已解决"]
    assert len(resolved) == 38 and all(row[13] is not None and row[13] == row[12] for row in resolved)
    assert sheet["F4"].number_format == "yyyy-mm-dd"
    filtered = workbook(client_for("admin").get(reverse("projects:export_problems"), {"status": "resolved"})).active
    assert filtered.max_row - 3 == 38
    leader = workbook(client_for("leader").get(reverse("projects:export_problems"))).active
    assert (
        leader.max_row - 3
        == Problem.objects.filter(project__assignments__leader__name="王某", project__assignments__active=True).count()
        == 5
    )


def test_leader_contact_table(client_for, users):
    sheet = workbook(client_for("admin").get(reverse("projects:export_leaders"))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == Assignment.objects.filter(active=True, project__district__code="410403").count() == 60
    assert [cell.value for cell in sheet[1]][:3] == ["联系领导", "所属班子", "职务"]
    assert {row[1] for row in rows} == {"区委", "区人大", "区政府", "区政协"}
    mine = list(
        workbook(client_for("leader").get(reverse("projects:export_leaders"))).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    assert len(mine) == 5 and {row[0] for row in mine} == {"王某"}


def test_project_list_export_is_exactly_the_filtered_rows(client_for):
    client = client_for("admin")
    params = {"year": 2015, "category": "new_start", "warning": "red"}
    page = client.get(reverse("projects:project_list"), params)
    expected = {listing.project.name for listing in page.context["paginator"].object_list}
    sheet = workbook(client.get(reverse("projects:export_projects"), params)).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == expected
    assert sheet["J2"].number_format == "#,##0.00" and sheet["M2"].number_format == "0.00%"
    everything = workbook(client.get(reverse("projects:export_projects"))).active
    assert everything.max_row - 1 == 60


def test_bad_filters_redirect_with_a_message(client_for):
    response = client_for("admin").get(reverse("projects:export_projects"), {"warning": "purple"}, follow=True)
    assert "筛选条件有误" in response.content.decode()


def test_exports_need_a_login(client):
    for name in ("export_progress", "export_problems", "export_leaders", "export_projects"):
        response = client.get(reverse(f"projects:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_export_command(tmp_path):
    output = tmp_path / "progress.xlsx"
    call_command(
        "export_progress", "--year", "2015", "--month", "9", "--region", "410403", "--output", str(output),
        stdout=io.StringIO(),
    )  # fmt: skip
    sheet = load_workbook(output).active
    total = [row for row in sheet.iter_rows(min_row=4) if row[1].value == "合计"][0]
    assert (total[5].value, total[6].value) == (439950, 411700)


def progress_row(sheet, name):
    return next(row for row in sheet.iter_rows(min_row=4) if row[1].value == name)


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_progress_text_comes_from_submitted_reports_only(client_for, status):
    name = "市正顺化工公司技改10万吨/年洗油深加工"
    august = MonthlyReport.objects.get(listing__project__name=name, listing__year=2015, month=8)
    MonthlyReport.objects.filter(listing__project__name=name, listing__year=2015, month=9).update(
        status=status, progress="尚未核实的草稿文字"
    )
    cumulatives_refresh([august.listing_id])  # as saving through the service would
    row = progress_row(progress(client_for("admin")), name)
    assert row[8].value == august.progress  # 形象进度 as last submitted, like the amounts beside it
    assert row[6].value == float(
        sum(MonthlyReport.objects.filter(listing=august.listing, month__lte=8).values_list("investment", flat=True))
    )


def test_a_december_draft_does_not_reach_the_december_table(client_for):
    name = "市正顺化工公司技改10万吨/年洗油深加工"
    listing = Listing.objects.get(project__name=name, year=2015, level="city")
    MonthlyReport.objects.create(
        listing=listing, month=12, investment=Decimal("1"), progress="十二月草稿", status="draft"
    )
    september = MonthlyReport.objects.get(listing=listing, month=9)
    row = progress_row(progress(client_for("admin"), month=12), name)
    assert row[8].value == september.progress  # the latest submitted text, not December's draft


def test_a_street_users_table_names_the_street_and_agrees_with_the_overview(client_for):
    client = client_for("staff_a")
    response = client.get(reverse("projects:export_progress"), {"year": 2015, "month": 9, "level": "city"})
    assert "%E5%8D%AB%E4%B8%9C%E5%8C%BA%E5%8C%97%E7%8E%AF%E8%B7%AF%E8%A1%97%E9%81%93" in response["Content-Disposition"]
    sheet = workbook(response).active
    assert sheet["A1"].value == "卫东区北环路街道2015年市重点项目建设进展情况表（1-9月）"
    total = rows_by_label(sheet)["合计"]
    page = client.get(reverse("projects:overview"), {"year": 2015, "month": 9, "level": "city"})
    o = page.context["o"]
    own = o.own_summary
    street_row = next(row for row in o.by_street if row.label == "北环路街道")
    assert (Decimal(str(total[5].value)), Decimal(str(total[6].value))) == (own.annual_plan, own.cumulative)
    assert (own.annual_plan, own.cumulative) == (street_row.annual_plan, street_row.cumulative)
    html = page.content.decode()
    assert "下载北环路街道项目进展表" in html and "北环路街道项目" in html


def test_titles_name_a_chosen_street_and_a_leaders_projects(client_for):
    from projects.models import Street

    street = Street.objects.get(name="东安路街道")
    sheet = progress(client_for("admin"), street=street.pk)
    assert sheet["A1"].value == "卫东区东安路街道2015年市重点项目建设进展情况表（1-9月）"
    assert progress(client_for("leader"))["A1"].value == "卫东区王某联系的2015年市重点项目建设进展情况表（1-9月）"
    assert progress(client_for("admin"))["A1"].value == "卫东区2015年市重点项目建设进展情况表（1-9月）"


@pytest.mark.parametrize("param", ["street", "unit"])
def test_a_street_or_unit_outside_the_users_scope_is_refused_not_mislabelled(client_for, param):
    from projects.models import Street, Unit

    other = {"street": Street.objects.get(name="东安路街道"), "unit": Unit.objects.get(name="东安路街道办事处")}[param]
    client = client_for("staff_a")
    response = client.get(reverse("projects:export_progress"), {"year": 2015, "month": 9, param: other.pk})
    assert response.status_code == 302
    assert "不在您的范围内" in client.get(response["Location"]).content.decode()
    own = Street.objects.get(name="北环路街道")
    sheet = progress(client, street=own.pk)
    assert sheet["A1"].value == "卫东区北环路街道2015年市重点项目建设进展情况表（1-9月）"


def filename(response):
    """The download's name from its RFC 5987 Content-Disposition."""
    from urllib.parse import unquote

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''"), disposition
    return unquote(disposition.split("''", 1)[1])


def test_the_problem_ledger_is_titled_numbered_and_has_street_leaders_and_the_latest_instruction(client_for):
    from projects.clock import today
    from projects.models import Instruction

    response = client_for("admin").get(reverse("projects:export_problems"))
    assert filename(response) == "卫东区2015年1-9月问题台账.xlsx"
    sheet = workbook(response).active
    assert sheet["A1"].value == "卫东区2015年1-9月问题台账" and "A1:O1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value.startswith("统计范围：2015年1-9月发现的问题")
    assert sheet["O2"].value == f"制表日期：{today():%Y-%m-%d}"
    assert [cell.value for cell in sheet[3]] == [
        "序号", "项目", "街道", "问题描述", "问题类型", "发现日期", "责任单位", "联系领导", "办结期限", "状态",
        "督办意见（最新）", "解决情况", "解决日期", "销号日期", "是否逾期",
    ]  # fmt: skip
    rows = {(row[1], row[3]): row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == list(range(1, 51))
    problem = Problem.objects.get(description="项目用地指标未落实，需国土部门协调报批", project__name="恒宇·东城国际")
    Instruction.objects.create(problem=problem, author=problem.raised_by, text="较新的督办意见：本周内办结。")
    row = rows[("恒宇·东城国际", problem.description)]
    assert row[1] == "恒宇·东城国际" and row[2] == problem.project.street.name
    leaders = Assignment.objects.filter(project=problem.project, active=True).values_list("leader__name", flat=True)
    assert row[7] == "、".join(leaders) and row[7]
    assert row[10] == "请区国土资源局本月内上报用地指标，街道做好配合，每周报告进展。"
    again = workbook(client_for("admin").get(reverse("projects:export_problems")))
    latest = {(row[1], row[3]): row for row in again.active.iter_rows(min_row=4, values_only=True)}
    latest = latest[("恒宇·东城国际", problem.description)]
    assert latest[10] == "较新的督办意见：本周内办结。"


def test_the_ledger_of_a_period_holds_that_periods_problems_and_older_open_ones(client_for):
    client = client_for("admin")
    july = client.get(reverse("projects:export_problems"), {"year": 2015, "month": 7})
    assert filename(july) == "卫东区2015年1-7月问题台账.xlsx"
    sheet = workbook(july).active
    assert sheet["A1"].value == "卫东区2015年1-7月问题台账"
    assert sheet.max_row - 3 == Problem.objects.filter(raised_on__lte="2015-07-31").count() == 30
    later = workbook(client.get(reverse("projects:export_problems"), {"year": 2016, "month": 3})).active
    assert later.max_row - 3 == Problem.objects.exclude(status="resolved").count()
    bad = client.get(reverse("projects:export_problems"), {"month": "13"}, follow=True)
    assert "筛选条件有误" in bad.content.decode()


@pytest.mark.parametrize(
    ("role", "name", "params", "expected"),
    [
        ("admin", "export_leaders", {}, "卫东区2015年1-9月四个一联系表.xlsx"),
        ("admin", "export_projects", {"year": 2015}, "卫东区2015年1-9月重点项目清单.xlsx"),
        ("admin", "export_projects", {"year": 2015, "month": 6}, "卫东区2015年1-6月重点项目清单.xlsx"),
        ("staff_a", "export_problems", {}, "卫东区北环路街道2015年1-9月问题台账.xlsx"),
        ("leader", "export_leaders", {}, "卫东区王某联系的2015年1-9月四个一联系表.xlsx"),
        ("admin", "export_progress", {"year": 2015, "month": 9}, "卫东区2015年市重点项目建设进展情况表（1-9月）.xlsx"),
    ],
)
def test_every_download_is_named_by_office_year_and_months(client_for, role, name, params, expected):
    response = client_for(role).get(reverse(f"projects:{name}"), params)
    assert response.status_code == 200 and filename(response) == expected


def test_the_commands_name_their_output_for_filing_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_lists", "problems", "--as", "admin", stdout=io.StringIO())
    call_command("export_lists", "problems", "--as", "admin", "--year", "2015", "--month", "6", stdout=io.StringIO())
    call_command("export_lists", "leaders", "--as", "admin", stdout=io.StringIO())
    call_command("export_progress", "--year", "2015", "--month", "9", "--region", "410403", stdout=io.StringIO())
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["卫东区2015年1-9月问题台账.xlsx", "卫东区2015年1-6月问题台账.xlsx", "卫东区2015年1-9月四个一联系表.xlsx",
         "卫东区2015年市重点项目建设进展情况表（1-9月）.xlsx"]
    )  # fmt: skip
    assert load_workbook(tmp_path / "卫东区2015年1-6月问题台账.xlsx").active["A1"].value == "卫东区2015年1-6月问题台账"
