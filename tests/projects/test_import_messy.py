"""Importing lists as they really come, second round (#24): sub-item rows under a project (其中：,
1.1, （1）, ①), amounts written with their unit and a note in the cell, and the 注： paragraph that
ends the table. Workbooks are generated here; helpers come from test_import."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from projects.amounts import AmountTextError, parse_amount_text
from projects.models import Listing, Project
from projects.services.imports import import_confirm, import_upload
from tests.conftest import SAMPLE_LIST
from tests.projects.test_import import HEADER, messages, plain, project_row, read, table_counts, xlsx

pytestmark = pytest.mark.usefixtures("demo")

TITLE = "2017年市重点项目"


def sub_row(seq, name, total=None, plan=None):
    """A sub-item row as lists write it: no owner, location or years, amounts or not."""
    return [seq, name, None, None, None, None, total, plan]


def warning_texts(plan):
    return [str(warning) for warning in plan.warnings]


# --- Sub-item rows ------------------------------------------------------------------------------------


def test_sub_item_rows_are_kept_on_the_project_above_and_not_counted_again():
    upload = plain(
        project_row(1, "分期建设项目", total=1000, plan=300),  # row 5
        sub_row(None, "其中：一期工程", 600, 200),
        sub_row(None, "其中:二期工程", "400万元"),
        project_row(2, "分部建设项目", total=500, plan=100),  # row 8
        sub_row("（1）", "道路部分", 300, 60),
        sub_row("(2)", "管网部分", "0.01亿元", 40),
        sub_row("①", "绿化部分"),
        sub_row("1.1", "照明部分", 10),
        [None, "小计", None, None, None, None, 1500, 400],  # the projects alone: 1000 + 500, 300 + 100
    )
    plan = read(upload)
    assert messages(plan) == [] and warning_texts(plan) == []
    assert [row.name for row in plan.rows] == ["分期建设项目", "分部建设项目"]
    assert [item for row in plan.rows for item in row.sub_items] == [
        {"row": 6, "label": "", "name": "其中：一期工程", "total": Decimal("600.00"), "plan": Decimal("200.00")},
        {"row": 7, "label": "", "name": "其中:二期工程", "total": Decimal("400.00"), "plan": None},
        {"row": 9, "label": "（1）", "name": "道路部分", "total": Decimal("300.00"), "plan": Decimal("60.00")},
        {"row": 10, "label": "(2)", "name": "管网部分", "total": Decimal("100.00"), "plan": Decimal("40.00")},
        {"row": 11, "label": "①", "name": "绿化部分", "total": None, "plan": None},
        {"row": 12, "label": "1.1", "name": "照明部分", "total": Decimal("10.00"), "plan": None},
    ]
    assert [(check.stated, check.computed, check.ok) for check in plan.subtotals] == [
        (Decimal("1500.00"), Decimal("1500"), True),
        (Decimal("400.00"), Decimal("400"), True),
    ]
    assert (plan.total_investment, plan.annual_plan) == (Decimal("1500.00"), Decimal("400.00"))


@pytest.mark.parametrize(
    "seq, name",
    [
        ("（1）", "一期工程"),
        ("(1)", "一期工程"),
        ("①", "一期工程"),
        ("⑴", "一期工程"),
        ("❶", "一期工程"),
        ("1.1", "一期工程"),
        (1.1, "一期工程"),  # a number cell, as Excel keeps "1.1"
        ("1-1", "一期工程"),
        ("其中", "一期工程"),
        (None, "其中：一期工程"),
        (None, "其中 : 一期工程"),
        (None, "其中一期工程"),
        (None, "其中，一期工程"),
        (None, "其中 一期工程"),
        (None, "（1）一期工程"),
        (None, "(1)一期工程"),
        (None, "①一期工程"),
        (None, "1.1 一期工程"),
        (None, "1.1、一期工程"),
        (2, "其中：一期工程"),  # 其中 makes it a part, whatever the number beside it
    ],
)
def test_each_way_of_marking_a_sub_item(seq, name):
    plan = read(plain(project_row(1, "有子项的项目"), sub_row(seq, name, 100, 30)))
    assert messages(plan) == []
    assert [row.name for row in plan.rows] == ["有子项的项目"]
    assert [(item["row"], item["total"]) for item in plan.rows[0].sub_items] == [(6, Decimal("100.00"))]


def test_numbered_projects_sections_and_names_that_look_like_parts_are_not_sub_items():
    rows = [
        ["卫东区2017年市重点项目名单"],
        HEADER,
        ["（一）", "续建项目"],  # Chinese numerals in brackets: a section
        project_row(1, "第一个项目"),
        project_row(2, "1.5万吨/年洗油深加工项目"),  # a name starting with a decimal is a name
        project_row(3, "注塑产业园"),
        ["（二）新开工项目"],
        project_row(4, "其中心区改造项目"),  # 其中 without a colon starts a name
    ]
    plan = read(xlsx({"清单": rows}))
    assert messages(plan) == []
    assert [(row.name, row.values["category"], row.sub_items) for row in plan.rows] == [
        ("第一个项目", "continuing", []),
        ("1.5万吨/年洗油深加工项目", "continuing", []),
        ("注塑产业园", "continuing", []),
        ("其中心区改造项目", "new_start", []),
    ]


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([sub_row("（1）", "道路部分", 100)], "「2017年市重点项目」第5行「序号」：「（1）」是子项的写法"),
        (
            [sub_row(None, "其中：一期工程", 100)],
            "「2017年市重点项目」第5行「项目名称」：「其中：一期工程」是子项的写法",
        ),
        (  # under a new section: the project above is another section's
            [project_row(1, "上一分组项目"), ["二、新开工项目"], sub_row("①", "一期")],
            "「2017年市重点项目」第7行「序号」：「①」是子项的写法",
        ),
    ],
)
def test_a_sub_item_with_no_project_above_it_is_a_row_error(rows, expected):
    plan = read(plain(*rows))
    assert not plan.ok
    assert any(message.startswith(expected) and "上方没有所属的项目行" in message for message in messages(plan))
    assert all(row.sub_items == [] for row in plan.rows)


def test_a_breakdown_under_a_total_row_is_noted_and_not_a_project():
    plan = read(
        plain(
            project_row(1, "唯一项目", total=100, plan=50),
            [None, "合计", None, None, None, None, 100, 50],
            sub_row(None, "其中：省重点项目", 100, 50),
        )
    )
    assert messages(plan) == [] and [row.name for row in plan.rows] == ["唯一项目"]
    assert plan.rows[0].sub_items == []
    assert any("第7行" in w and "「其中：省重点项目」是合计的分项，不是项目，未读取" in w for w in warning_texts(plan))


def test_a_bad_sub_item_amount_is_a_row_error_naming_its_cell():
    plan = read(plain(project_row(1, "子项金额错误项目"), sub_row("（1）", "一期", "待定", "2-3亿")))
    assert not plan.ok
    assert "「2017年市重点项目」第6行「总投资」：子项「待定」不是数字。" in messages(plan)
    assert any(
        m.startswith("「2017年市重点项目」第6行「年度计划投资」：子项「2-3亿」是一个范围") for m in messages(plan)
    )


def test_sub_items_adding_up_to_more_than_their_project_are_warned_not_refused():
    plan = read(
        plain(
            project_row(1, "子项超出项目", total=1000, plan=300),
            sub_row("（1）", "一期", 700, 100),
            sub_row("（2）", "二期", 400, 100),
            project_row(2, "子项相符项目", total=1000, plan=300),
            sub_row("（1）", "一期", 1000),
        )
    )
    assert plan.ok and len(plan.rows) == 2
    assert [w for w in warning_texts(plan) if "子项" in w] == [
        "「2017年市重点项目」第5行「总投资」：2个子项的总投资合计 1,100.00 万元，超过本项目的 1,000.00 万元，请核对。"
    ]


def test_a_refused_project_row_takes_its_sub_items_with_it_without_more_errors():
    plan = read(plain([1, "", "公司", "内容", "北环路街道", "2017", 100, 50], sub_row("（1）", "一期", 60)))
    assert messages(plan) == ["「2017年市重点项目」第5行「项目名称」：缺少项目名称。"]


def _with_sub_items(data):
    """The sample list with parts under three of its projects (the rows below shift down)."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    parts_under = {  # the sample's row → its parts as [序号, name, total, plan]
        5: [[None, "其中：一期工程", 100000, 40000], [None, "其中：二期工程", 129300, None]],  # 高皇智能制造基地
        12: [["（1）", "道路部分", "10亿元", "3,000万元"], ["（2）", "管网部分", None, None]],  # 鹰城学校改扩建
        28: [["①", "一期", 200, 100]],  # 皇台学校改扩建
    }
    for row_number, parts in sorted(parts_under.items(), reverse=True):
        sheet.insert_rows(row_number + 1, amount=len(parts))
        for offset, (seq, name, total, plan) in enumerate(parts, start=1):
            for column, value in zip((1, 2, 7, 8), (seq, name, total, plan), strict=True):
                sheet.cell(row=row_number + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _planned(plan):
    return [(row.name, row.values, row.status) for row in plan.rows]


def test_the_sample_with_sub_items_imports_to_the_same_rows_totals_and_writes(users):
    plain_bytes = SAMPLE_LIST.read_bytes()
    with_parts = _with_sub_items(plain_bytes)
    without = read(SimpleUploadedFile("2016.xlsx", plain_bytes), year=2016)
    parted = read(SimpleUploadedFile("2016-子项.xlsx", with_parts), year=2016)
    assert messages(parted) == [] and warning_texts(parted) == []
    assert _planned(parted) == _planned(without) and len(parted.rows) == 20
    assert (parted.total_investment, parted.annual_plan) == (Decimal("2758000"), Decimal("980360"))
    assert parted.totals_by("category", []) == without.totals_by("category", [])
    checks = [(check.label, check.column, check.stated, check.computed) for check in parted.subtotals]
    assert checks == [(c.label, c.column, c.stated, c.computed) for c in without.subtotals] and len(checks) == 8
    assert all(check.ok for check in parted.subtotals)
    assert {
        row.name: [(item["row"], item["total"]) for item in row.sub_items] for row in parted.rows if row.sub_items
    } == {
        "高皇智能制造基地": [(6, Decimal("100000.00")), (7, Decimal("129300.00"))],
        "鹰城学校改扩建": [(15, Decimal("100000.00")), (16, None)],
        "皇台学校改扩建": [(33, Decimal("200.00"))],
    }
    summary = parted.summary()
    assert [row for row in summary["rows"] if row["sub_items"]][1]["sub_items"] == [
        {"row": 15, "label": "（1）", "name": "道路部分", "total": "100000", "plan": "3000"},
        {"row": 16, "label": "（2）", "name": "管网部分", "total": "", "plan": ""},
    ]

    before = table_counts()
    record, _ = import_upload(
        user=users["admin"], upload=SimpleUploadedFile("2016-子项.xlsx", with_parts), year=2016, level="city"
    )
    import_confirm(user=users["admin"], record=record)
    listings = Listing.objects.filter(year=2016, level="city")
    assert listings.count() == 20 and sum(listing.annual_plan for listing in listings) == Decimal("980360")
    assert Project.objects.get(name="高皇智能制造基地").total_investment == Decimal("229300")
    assert not Project.objects.filter(name__in=["其中：一期工程", "道路部分", "管网部分", "一期"]).exists()
    after = table_counts()
    assert after["projects.Project"] - before["projects.Project"] == 20
    # The same writes as the list without its parts: that list, and this one again, change nothing.
    for name, data in (("2016.xlsx", plain_bytes), ("2016-子项.xlsx", with_parts)):
        again = read(SimpleUploadedFile(name, data), year=2016)
        assert again.ok and [row.status for row in again.rows] == ["unchanged"] * 20, name


def test_the_preview_page_shows_the_sub_items_under_their_project(client_for):
    upload = plain(
        project_row(1, "页面分期项目", total=1000, plan=300),
        sub_row("（1）", "页面一期工程", "0.06亿元", 200),
        sub_row(None, "其中：页面二期工程", 400),
        project_row(2, "页面后一项目", total=500, plan=100),
        sub_row("①", "页面后一项目的一期", 100),
    )
    response = client_for("admin").post(
        reverse("projects:import_list"), {"year": 2017, "level": "city", "file": upload}, follow=True
    )
    html = response.content.decode()
    record = response.context["record"]
    assert record.status == "previewed" and record.created == 2 and response.context["summary"]["projects"] == 2
    table = html[html.index('id="preview-rows"') :]
    project, first, second, following = (
        table.index(text) for text in ("页面分期项目", "页面一期工程", "页面二期工程", "页面后一项目")
    )
    assert project < first < second < following
    part = table[table.rindex("<tr", 0, first) : table.index("</tr>", first)]
    assert 'class="sub-item"' in part and "子项" in part and "第6行" in part and "600.00" in part
    assert "不计入合计" in part and "属第5行项目" in part
    assert html.count("子项不单独建项目") == 1 and "金额不重复计入合计" in html  # said once
    assert table.index("页面后一项目的一期") > following
    assert "1,500.00" in html  # the total: the projects alone

    sample = client_for("admin").post(
        reverse("projects:import_list"),
        {"year": 2016, "level": "city", "file": SimpleUploadedFile("2016.xlsx", SAMPLE_LIST.read_bytes())},
        follow=True,
    )
    assert "子项不单独建项目" not in sample.content.decode()


# --- Amounts written with their unit -------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("1.2亿元", "12000.00"),
        ("3500万元", "3500.00"),
        ("3,500万", "3500.00"),
        ("约2亿", "20000.00"),
        ("约 3500 万元", "3500.00"),
        ("大约3500万元", "3500.00"),
        ("0.5亿元（其中中央预算内0.2亿）", "5000.00"),
        ("1.2亿元(含征地)", "12000.00"),
        ("3500（含征地费）", "3500.00"),  # the column's unit
        ("１．２亿元", "12000.00"),
        ("0.123456亿元", "1234.56"),
        ("1亿2000万", "12000.00"),
        ("约1亿2000万元", "12000.00"),
        ("12,000.5万元", "12000.50"),
    ],
)
def test_an_amount_with_its_unit_and_a_note_in_the_cell_is_read_in_wan(cell, expected):
    plan = read(plain(project_row(1, "单位金额项目", total=cell, plan=cell)))
    assert messages(plan) == []
    values = plan.rows[0].values
    assert values["total_investment"] == values["annual_plan"] == Decimal(expected)
    assert str(values["total_investment"]) == expected  # exact, in 万元 with two places


def test_a_cell_unit_wins_over_a_yi_column():
    header = ["项目名称", "建设地点", "总投资（亿元）", "年度计划投资（亿元）", "类别"]
    row = read(xlsx({"清单": [header, ["亿元列项目", "北环路街道", "约3500万元", "0.5（含征地）", "续建"]]})).rows[0]
    assert (row.values["total_investment"], row.values["annual_plan"]) == (Decimal("3500.00"), Decimal("5000.00"))
    # A unit in brackets after the number is the unit, not a note.
    row = read(xlsx({"清单": [header, ["亿元列项目", "北环路街道", "3500（万元）", "0.5(亿元)", "续建"]]})).rows[0]
    assert (row.values["total_investment"], row.values["annual_plan"]) == (Decimal("3500.00"), Decimal("5000.00"))


@pytest.mark.parametrize("cell", ["5000万(美元)", "300万美元", "1.2亿港元"])
def test_an_amount_in_another_currency_is_refused(cell):
    plan = read(plain(project_row(1, "外币项目", total=cell)))
    assert [message for message in messages(plan) if "不是人民币金额" in message] == [
        f"「2017年市重点项目」第5行「总投资」：「{cell}」不是人民币金额，请折算为人民币万元后填写。"
    ]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("待定", "「待定」不是数字。"),
        ("约", "「约」不是数字。"),
        ("2-3亿", "「2-3亿」是一个范围，请只填一个金额（如 3500、3500万元 或 1.2亿元）。"),
        ("2～3亿元", "「2～3亿元」是一个范围，请只填一个金额"),
        ("2至3亿", "「2至3亿」是一个范围"),
        ("2000万-3000万", "「2000万-3000万」是一个范围"),
        (
            "1.2亿或1.5亿",
            "「1.2亿或1.5亿」含有两个金额，请只填一个（如 3500、3500万元 或 1.2亿元；说明可写在其后的括号中）。",
        ),
        ("1.2亿 1.5亿", "「1.2亿 1.5亿」含有两个金额"),
        ("1.2亿元左右", "「1.2亿元左右」不是数字。"),
        ("(含征地)3500", "「(含征地)3500」不是数字。"),
        ("12,5亿", "「12,5亿」不是有效的金额：逗号只能用作千位分隔符"),
    ],
)
def test_an_ambiguous_amount_is_a_row_error_naming_the_cell(cell, expected):
    plan = read(plain(project_row(1, "含糊金额项目", total=cell)))
    assert not plan.ok and not plan.rows
    prefix = "「2017年市重点项目」第5行「总投资」："
    assert any(message.startswith(prefix + expected) for message in messages(plan)), messages(plan)


@pytest.mark.parametrize("typed", ["约2亿", "1.2亿元", "3500万元", "0.5亿元（其中中央预算内0.2亿）"])
def test_the_report_form_rule_stays_strict(typed):
    with pytest.raises(AmountTextError):
        parse_amount_text(typed)


def test_subtotal_rows_are_read_by_the_same_rules():
    plan = read(
        plain(
            project_row(1, "小计单位项目一", total="0.8亿元", plan=1000),
            project_row(2, "小计单位项目二", total=4000, plan="约2000万元"),
            [None, "小计", None, None, None, None, "1.2亿元", "3000万元（含结转）"],
            [None, "合计", None, None, None, None, "待定", 3000],
        )
    )
    assert messages(plan) == []
    assert [(check.label, check.stated, check.ok) for check in plan.subtotals] == [
        ("小计", Decimal("12000.00"), True),
        ("小计", Decimal("3000.00"), True),
        ("合计", Decimal("3000.00"), True),
    ]
    assert "「2017年市重点项目」第8行「总投资」：合计行「待定」不是数字，未核对。" in warning_texts(plan)


# --- The 注： paragraph ends the table ---------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        ["注：1.表中投资额均为万元。"],
        ["注:"],
        ["说明：本表由区发改委汇总。"],
        ["备注：资金来源以批复为准。"],
        [None, "注：表中投资额均为万元。"],  # written in the name column
        ["注1：表中投资额均为万元。"],
    ],
)
def test_a_note_paragraph_below_the_table_ends_it(note):
    upload = plain(
        project_row(1, "说明前项目", total=100, plan=50),
        project_row(2, "注塑厂扩建项目", total=200, plan=60),  # a name starting with 注 is a project
        [None, "合计", None, None, None, None, 300, 110],
        note,
        [1, "本表所列项目以市发改委批复为准。"],  # numbered note lines: not projects
        [2, "建设地点填至街道。"],
        ["2.", "年度计划投资为当年计划。", None, None, "北环路街道"],
    )
    plan = read(upload)
    assert messages(plan) == [] and warning_texts(plan) == []
    assert [row.name for row in plan.rows] == ["说明前项目", "注塑厂扩建项目"]
    assert all(check.ok for check in plan.subtotals)


def test_project_like_rows_after_the_note_refuse_the_file_each_named():
    plan = read(
        plain(
            project_row(1, "说明前项目"),
            ["注：以下为储备项目。"],
            project_row(2, "说明后项目"),
            [None, "1. 本表金额以批复为准。"],
            project_row(3, "又一个说明后项目"),
        )
    )
    assert messages(plan) == [
        f"「2017年市重点项目」第{row}行「项目名称」：在第6行的说明之后，却有项目名称和金额：若是项目，请移到说明之前；"
        "若是说明的一部分，请删去其中的金额。"
        for row in (7, 9)
    ]


def test_a_note_above_the_first_row_does_not_end_the_table():
    rows = [["卫东区2017年市重点项目名单"], HEADER, ["注：单位万元。"], ["一、续建项目"], project_row(1, "说明下项目")]
    plan = read(xlsx({"清单": rows}))
    assert messages(plan) == [] and [row.name for row in plan.rows] == ["说明下项目"]


def messy_workbook():
    """One workbook with every point of this file: sub-items, amounts with units and notes, a 注：
    paragraph under the table."""
    return plain(
        project_row(1, "单位金额项目", total="1.2亿元", plan="约3500万元"),
        sub_row(None, "其中：一期工程", "0.5亿元（其中中央预算内0.2亿）", None),
        sub_row("（2）", "二期工程", 7000, 1000),
        project_row(2, "普通项目", total="3,500万", plan=500),
        ["注：本表金额以批复为准。"],
        [None, "1. 不含储备项目。"],
    )


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_the_messy_workbook_as_xls_or_ods_reads_as_the_xlsx(users, in_format, extension):
    expected = read(messy_workbook())
    assert messages(expected) == [] and len(expected.rows) == 2
    assert [len(row.sub_items) for row in expected.rows] == [2, 0]
    plan = read(in_format(messy_workbook(), extension))
    assert messages(plan) == []
    assert plan.summary()["rows"] == expected.summary()["rows"]
    assert [row.sub_items for row in plan.rows] == [row.sub_items for row in expected.rows]
    record, _ = import_upload(
        user=users["admin"], upload=in_format(messy_workbook(), extension), year=2017, level="city"
    )
    import_confirm(user=users["admin"], record=record)
    again = read(in_format(messy_workbook(), extension))
    assert [row.status for row in again.rows] == ["unchanged", "unchanged"]
