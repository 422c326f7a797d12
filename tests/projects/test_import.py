"""Importing the municipal lists: the sample's exact figures, each layout variation real files
have, each error, each hostile file (time and memory bounded), all-or-nothing, and the pages."""

import io
import json
import re
import time
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects.models import ImportRecord, Listing, Project, Region, Unit
from projects.services.errors import ValidationError
from projects.services.imports import import_confirm, import_read, import_upload
from tests.conftest import SAMPLE_LIST

pytestmark = pytest.mark.usefixtures("demo")

HEADER = [
    "序号",
    "项目名称",
    "建设单位",
    "建设内容及规模",
    "建设地点",
    "建设年限",
    "总投资（万元）",
    "2017年计划投资（万元）",
]


def xlsx(sheets, *, merges=None, hidden=None, name="list.xlsx"):
    """A workbook from {sheet title: rows}; ``merges`` and ``hidden`` columns per sheet title."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
        for column in (hidden or {}).get(title, []):
            sheet.column_dimensions[column].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def plain(*rows, title="2017年市重点项目", header=HEADER):
    """Title row 1, unit row 2, header row 3; a 续建 section row 4 unless the rows bring their own."""
    if not (rows and isinstance(rows[0][0], str) and rows[0][0][:2] in ("一、", "二、", "三、")):
        rows = (["一、续建项目"], *rows)
    return xlsx({title: [["卫东区2017年市重点项目名单"], ["单位：万元"], header, *rows]})


def project_row(number, name, street="北环路街道", total=1000, plan=300, **extra):
    row = [number, name, "示例建设有限公司", "建设厂房", street, "2017-2018", total, plan]
    return row + list(extra.values())


def read(upload, year=2017, level="city", region="410403"):
    """The plan of an import by the office of ``region`` (卫东区, the demo admin's, unless told)."""
    return import_read(upload, year=year, level=level, region=Region.objects.get(code=region))


def messages(plan):
    return [str(error) for error in plan.errors]


def table_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_app_config("projects").get_models()}


# --- The sample and idempotency ------------------------------------------------------------------


def run_command(*args, region="410403"):
    out = io.StringIO()
    try:
        call_command(
            "import_projects", str(SAMPLE_LIST), "--year", "2016", "--region", region, "--json", *args, stdout=out
        )
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def test_the_sample_imports_to_its_expected_figures_and_again_unchanged():
    expected = json.loads((SAMPLE_LIST.parent / "municipal-list-2016.expected.json").read_text())
    code, dry = run_command("--dry-run")
    assert code == 0 and dry["created"] == 20 and not Listing.objects.filter(year=2016).exists()
    code, result = run_command()
    assert code == 0
    for key in ("projects", "total_investment", "annual_plan", "by_category"):
        assert result[key] == expected[key], key
    listings = Listing.objects.filter(year=2016, level="city")
    assert listings.count() == 20
    assert sum(listing.annual_plan for listing in listings) == Decimal(expected["annual_plan"])
    assert sum(listing.project.total_investment for listing in listings) == Decimal(expected["total_investment"])
    assert result["errors"] == [] and all(check["ok"] for check in result["subtotals"])
    before = table_counts()
    code, again = run_command()
    assert code == 0 and (again["created"], again["updated"], again["unchanged"]) == (0, 0, 20)
    before["projects.ImportRecord"] += 1
    assert table_counts() == before


def test_imported_rows_are_in_the_audit_trail_with_user_and_file(users):
    with SAMPLE_LIST.open("rb") as handle:
        record, _ = import_upload(
            user=users["admin"], upload=SimpleUploadedFile("2016名单.xlsx", handle.read()), year=2016, level="city"
        )
    import_confirm(user=users["admin"], record=record)
    project = Project.objects.get(name="高皇智能制造基地")
    entry = project.history.latest()
    assert entry.history_user == users["admin"]
    assert entry.history_change_reason == f"导入清单：2016名单.xlsx（导入记录 #{record.pk}）"
    assert project.listings.get().history.latest().history_user == users["admin"]


def test_a_changed_row_shows_its_field_differences_and_updates(users):
    first = plain(project_row(1, "测试变化项目", total=1000, plan=300))
    import_confirm(
        user=users["admin"], record=import_upload(user=users["admin"], upload=first, year=2017, level="city")[0]
    )
    second = plain(project_row(1, "测试变化项目", total="1,200", plan=300))
    record, plan = import_upload(user=users["admin"], upload=second, year=2017, level="city")
    row = plan.rows[0]
    assert row.status == "changed"
    assert row.changes == [("total_investment", "1000", "1200")]
    import_confirm(user=users["admin"], record=record)
    assert Project.objects.get(name="测试变化项目").total_investment == Decimal("1200")


def test_projects_missing_from_a_new_file_are_not_deleted(users):
    before = Project.objects.count()
    record, _ = import_upload(
        user=users["admin"], upload=plain(project_row(1, "只有一个项目")), year=2017, level="city"
    )
    import_confirm(user=users["admin"], record=record)
    assert Project.objects.count() == before + 1


def test_an_existing_project_is_matched_by_name_and_added_to_the_new_year():
    plan = read(
        plain(project_row(1, "市正顺化工公司技改10万吨/年洗油深加工", street="北环路街道", total=18000, plan=2000))
    )
    row = plan.rows[0]
    assert row.status == "new" and row.project.name == "市正顺化工公司技改10万吨/年洗油深加工"


def test_matching_by_code_wins_over_name():
    Project.objects.filter(name="恒宇·东城国际").update(code="2015-410403-47-01-000001")
    header = ["序号", "项目代码", "项目名称", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别"]
    upload = xlsx(
        {"清单": [header, [1, "2015-410403-47-01-000001", "恒宇东城国际（更名）", "建设路街道", 85000, 20000, "续建"]]}
    )
    row = read(upload).rows[0]
    assert row.project.name == "恒宇·东城国际"


# --- Layout variations -----------------------------------------------------------------------------


def test_amounts_in_yi_yuan_from_the_unit_row_are_stored_in_wan_yuan():
    upload = xlsx(
        {
            "清单": [
                ["卫东区2017年市重点项目名单"],
                ["单位：亿元"],
                ["序号", "项目名称", "建设地点", "总投资", "年度计划投资", "类别"],
                [1, "亿元项目", "北环路街道", 3.6830, "0.12", "新开工"],
            ]
        },
        merges={"清单": ["A1:F1"]},
    )
    row = read(upload).rows[0]
    assert (row.values["total_investment"], row.values["annual_plan"]) == (Decimal("36830.00"), Decimal("1200.00"))


def test_the_unit_in_a_header_wins_over_the_unit_row():
    upload = xlsx(
        {
            "清单": [
                ["单位：万元"],
                ["项目名称", "建设地点", "总投资（亿元）", "年度计划投资（万元）", "类别"],
                ["混合单位项目", "北环路街道", 2, 300, "续建"],
            ]
        }
    )
    row = read(upload).rows[0]
    assert (row.values["total_investment"], row.values["annual_plan"]) == (Decimal("20000.00"), Decimal("300.00"))


def test_a_two_row_header_with_a_merged_group():
    rows = [
        ["卫东区2017年市重点项目名单"],
        ["序号", "项目名称", "所在街道", "投资情况", None, "项目类别"],
        [None, None, None, "总投资（亿元）", "2017年计划投资（万元）", None],
        [1, "两行表头项目", "东安路街道", 1.5, 3000, "新开工"],
    ]
    upload = xlsx({"清单": rows}, merges={"清单": ["A1:F1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3"]})
    plan = read(upload)
    assert messages(plan) == []
    row = plan.rows[0]
    assert row.values["street"].name == "东安路街道"
    assert (row.values["total_investment"], row.values["annual_plan"], row.values["category"]) == (
        Decimal("15000.00"),
        Decimal("3000.00"),
        "new_start",
    )


def test_header_names_in_their_variants_and_spellings():
    header = [
        "序 号",
        "项目\n名称",
        "项目代码",
        "项目单位",
        "建设规模及内容",
        "所在 街道",
        "建设起止年限",
        "总投资(万元)",
        "年度投资目标（万元）",
        "项目类别",
        "责任单位",
        "联系领导",
        "备注",
    ]
    row = [
        1,
        "变体表头项目",
        "2017-410403-48-01-000001",
        "示例公司",
        "建设道路",
        "光华路街道",
        "2017—2019年",
        500,
        200,
        "续建",
        "区商务局",
        "王某",
        "无",
    ]
    plan = read(xlsx({"清单": [header, row]}))
    assert messages(plan) == []
    parsed = plan.rows[0]
    assert parsed.values["code"] == "2017-410403-48-01-000001" and parsed.values["owner"] == "示例公司"
    assert (parsed.values["start_year"], parsed.values["end_year"]) == (2017, 2019)
    assert parsed.values["unit"].name == "区商务局" and parsed.leader.name == "王某"


def test_section_rows_give_the_category_and_subtotals_are_skipped_and_checked():
    upload = plain(
        ["一、计划建成项目（1个）"],
        project_row(1, "分组建成项目", total=100, plan=50),
        [None, "小计", None, None, None, None, 100, 50],
        ["二、续建项目"],
        project_row(2, "分组续建项目", total=200, plan=60),
        [None, "小计", None, None, None, None, 200, 61],
        ["三、新开工项目（1个）"],
        project_row(3, "分组新开工项目", total=300, plan=70),
        [None, "合  计", None, None, None, None, 600, 180],
        ["注：表中投资额均为万元。"],
    )
    plan = read(upload)
    assert messages(plan) == []
    assert [(row.name, row.values["category"]) for row in plan.rows] == [
        ("分组建成项目", "completion"),
        ("分组续建项目", "continuing"),
        ("分组新开工项目", "new_start"),
    ]
    bad = [check for check in plan.subtotals if not check.ok]
    assert [(check.row, check.column, check.stated, check.computed) for check in bad] == [(9, "年度计划投资", 61, 60)]
    assert any("与所含各项目之和" in str(warning) for warning in plan.warnings)
    assert all(check.ok for check in plan.subtotals if check.label == "合计")


def test_one_sheet_per_batch():
    upload = xlsx(
        {
            "第一批": [["第一批市重点项目"], HEADER, ["一、续建项目"], project_row(1, "一批项目")],
            "第二批": [["第二批市重点项目"], HEADER, ["一、新开工项目"], project_row(1, "二批项目")],
        }
    )
    plan = read(upload)
    assert [(row.name, row.values["batch"]) for row in plan.rows] == [("一批项目", 1), ("二批项目", 2)]


def test_batch_from_the_title_row():
    upload = xlsx(
        {"Sheet1": [["卫东区2017年第二批市重点项目"], HEADER, ["一、续建项目"], project_row(1, "标题批次项目")]}
    )
    assert read(upload).rows[0].values["batch"] == 2


def test_numbers_as_text_spaces_empty_rows_and_hidden_columns():
    upload = xlsx(
        {
            "清单": [
                HEADER + ["类别"],
                [],
                [1, "\u3000全角空格项目 ", "示例公司", "内容", " 北环路街道 ", "2017", "36,830", " 1200 ", "续建"],
                [None, None, None, None, None, None, None, None, None],
                [2, "全角数字项目", "示例公司", "内容", "北环路街道", "2017", "１２，０００", "３００", "续建"],
            ]
        },
        hidden={"清单": ["C", "D"]},
    )
    plan = read(upload)
    assert messages(plan) == []
    assert [(row.name, row.values["total_investment"], row.values["annual_plan"]) for row in plan.rows] == [
        ("全角空格项目", Decimal("36830.00"), Decimal("1200.00")),
        ("全角数字项目", Decimal("12000.00"), Decimal("300.00")),
    ]


# --- Errors: each names the sheet, the row as Excel shows it, the column and the reason --------------


@pytest.mark.parametrize(
    "row, expected",
    [
        ([1, "", "公司", "内容", "北环路街道", "2017", 100, 50], "第4行「项目名称」：缺少项目名称。"),
        ([1, "负数项目", "公司", "内容", "北环路街道", "2017", -5, 50], "第4行「总投资」：不能为负数。"),
        (
            [1, "文字项目", "公司", "内容", "北环路街道", "2017", "约一百万", 50],
            "第4行「总投资」：「约一百万」不是数字。",
        ),
        ([1, "空计划项目", "公司", "内容", "北环路街道", "2017", 100, None], "第4行「年度计划投资」：不能为空。"),
        (
            [1, "街道错误项目", "公司", "内容", "火星街道", "2017", 100, 50],
            "第4行「建设地点」：未知街道「火星街道」。已知街道：东安路街道、",
        ),
    ],
)
def test_each_row_error_names_sheet_row_column_and_reason(row, expected):
    plan = read(xlsx({"2017清单": [["标题"], ["单位：万元"], HEADER + ["类别"], row + ["续建"]]}))
    assert any(message.startswith("「2017清单」" + expected) for message in messages(plan)), messages(plan)


def test_unknown_category_and_duplicates():
    plan = read(
        xlsx(
            {
                "清单": [
                    HEADER + ["类别"],
                    project_row(1, "类别错误项目") + ["在建"],
                    project_row(2, "重复项目") + ["续建"],
                    project_row(3, "重复 项目") + ["续建"],
                ]
            }
        )
    )
    assert "「清单」第2行「类别」：未知类别「在建」（应为 计划建成、续建 或 新开工）。" in messages(plan)
    assert "「清单」第4行「项目名称」：与「清单」第3行是同一个项目，请删除重复的一行。" in messages(plan)


def test_rows_without_any_category_are_errors():
    plan = read(xlsx({"清单": [HEADER, project_row(1, "无类别项目")]}))
    assert any("无法确定类别" in message for message in messages(plan))


def test_a_refused_file_writes_nothing(users):
    before = table_counts()
    bad = plain(["一、续建项目"], project_row(1, "好项目"), project_row(2, "坏项目", total=-1))
    record, plan = import_upload(user=users["admin"], upload=bad, year=2017, level="city")
    assert not plan.ok and record.status == "refused"
    with pytest.raises(ValidationError, match="不能再确认"):
        import_confirm(user=users["admin"], record=record)
    before["projects.ImportRecord"] += 1
    assert table_counts() == before


def test_confirm_refuses_when_the_data_changed_since_the_preview(users):
    upload = plain(["一、续建项目"], project_row(1, "市正顺化工公司技改10万吨/年洗油深加工", total=18000))
    record, plan = import_upload(user=users["admin"], upload=upload, year=2017, level="city")
    assert plan.ok
    Project.objects.filter(name="市正顺化工公司技改10万吨/年洗油深加工").update(owner="预览后被人改了")
    with pytest.raises(ValidationError, match="重新上传并预览"):
        import_confirm(user=users["admin"], record=record)
    assert not Listing.objects.filter(year=2017).exists()


def _failing_on_listings(monkeypatch, error):
    """Projects are written, then the listings' insert fails with ``error``: mid-import."""
    from projects.services import imports

    original = imports.insert_created  # the new rows' bulk insert (COPY on PostgreSQL)

    def failing(model, rows, **kwargs):
        if model is Listing:
            raise error
        return original(model, rows, **kwargs)

    monkeypatch.setattr(imports, "insert_created", failing)


def previewed_sample(user):
    with SAMPLE_LIST.open("rb") as handle:
        record, plan = import_upload(user=user, upload=File(handle, name=SAMPLE_LIST.name), year=2016, level="city")
    assert plan.ok
    return record


def test_a_write_the_database_refuses_mid_import_is_undone_whole(users, monkeypatch):
    from django.db import IntegrityError

    record = previewed_sample(users["admin"])
    before = table_counts()
    _failing_on_listings(monkeypatch, IntegrityError("duplicate key"))
    with pytest.raises(ValidationError, match="已全部撤销，未写入任何数据"):
        import_confirm(user=users["admin"], record=record)
    assert table_counts() == before
    record.refresh_from_db()
    assert record.status == "previewed"  # it can be confirmed again once the cause is fixed


@pytest.mark.parametrize("reachable", [True, False])
def test_a_lost_connection_mid_import_is_not_blamed_on_the_file(users, monkeypatch, reachable):
    """Cut off but the database still there: try again. Gone: the 503 page (config.errors)."""
    from django.db import OperationalError, connections

    record = previewed_sample(users["admin"])
    before = table_counts()
    _failing_on_listings(monkeypatch, OperationalError("terminating connection due to administrator command"))
    monkeypatch.setattr(type(connections["default"]), "is_usable", lambda self: reachable)
    error, message = (ValidationError, "连接中断，已全部撤销") if reachable else (OperationalError, "administrator")
    with pytest.raises(error, match=message):
        import_confirm(user=users["admin"], record=record)
    monkeypatch.undo()
    assert table_counts() == before


def test_only_admins_import(users):
    from django.core.exceptions import PermissionDenied

    for role in ("staff_a", "leader"):
        with pytest.raises(PermissionDenied):
            import_upload(user=users[role], upload=plain(project_row(1, "x")), year=2017, level="city")
    assert not ImportRecord.objects.exists()


# --- Hostile or broken files ---------------------------------------------------------------------------


def valid_bytes():
    return SAMPLE_LIST.read_bytes()


def with_extra_member(name, data):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(valid_bytes())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()


def with_replaced_member(name, data):
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(valid_bytes())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, data if item.filename == name else source.read(item.filename))
    return buffer.getvalue()


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
)


def million_rows():
    """A small file whose one sheet unpacks to a million rows."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(valid_bytes())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            header = '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
            sheet.write(header.encode())
            for number in range(2, 1_000_001):
                sheet.write(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (number, number))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


HOSTILE = {
    "a renamed .exe": (lambda: b"MZ\x90\x00" + b"\x00" * 5000, "setup.xlsx", "不是 Excel .xlsx 文件"),
    "a .csv": (lambda: "序号,项目名称\n1,某项目\n".encode("gbk"), "list.csv", "不是 Excel .xlsx 文件"),
    "an .xlsm with macros": (lambda: with_extra_member("xl/vbaProject.bin", b"\x00" * 100), "list.xlsm", "含有宏"),
    "a corrupt zip": (lambda: valid_bytes()[: len(valid_bytes()) // 2], "broken.xlsx", "损坏"),
    "a file over 10 MB": (lambda: b"PK" + b"\x00" * (10 * 1024 * 1024 + 10), "big.xlsx", "超过 10 MB"),
    "an XML entity bomb": (
        lambda: with_replaced_member("xl/worksheets/sheet1.xml", ENTITY_BOMB),
        "bomb.xlsx",
        "不安全的 XML",
    ),
    "a million rows": (million_rows, "rows.xlsx", "超过 20,000 行"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_files_are_refused_quickly_with_bounded_memory(users, kind):
    make, name, expected = HOSTILE[kind]
    assert_refused_within_bounds(users["admin"], kind, SimpleUploadedFile(name, make()), expected)


def assert_refused_within_bounds(user, kind, upload, expected):
    """The upload is refused with ``expected`` in its first message, writing nothing but its record,
    within bounds far above what a refusal takes (against parsing on without limit; not a speed
    target)."""
    before = table_counts()
    tracemalloc.start()
    started = time.perf_counter()
    record, plan = import_upload(user=user, upload=upload, year=2017, level="city")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not plan.ok and record.status == "refused"
    assert expected in messages(plan)[0], messages(plan)
    assert elapsed < 30, f"{kind}: {elapsed:.1f} s"
    assert peak < 300 * 1024 * 1024, f"{kind}: {peak / 1024 / 1024:.0f} MB"
    before["projects.ImportRecord"] += 1
    assert table_counts() == before


# --- The pages -------------------------------------------------------------------------------------------


def test_upload_preview_confirm_and_again_unchanged_in_the_browser_pages(client_for):
    client = client_for("admin")
    page = client.get(reverse("projects:import_list")).content.decode()
    assert "导入重点项目清单" in page and "下载导入模板" in page
    response = client.post(
        reverse("projects:import_list"),
        {"year": 2016, "level": "city", "file": SimpleUploadedFile("2016.xlsx", valid_bytes())},
        follow=True,
    )
    html = response.content.decode()
    assert "请核对预览" in html and "确认导入" in html and "高皇智能制造基地" in html and "2,758,000.00" in html
    record = response.context["record"]
    assert not Listing.objects.filter(year=2016).exists()
    done = client.post(reverse("projects:import_confirm", args=[record.pk]), follow=True).content.decode()
    assert "已导入：新增 20 个" in done
    assert client.get(reverse("projects:project_list"), {"year": 2016}).context["paginator"].count == 20
    again = client.post(
        reverse("projects:import_list"),
        {"year": 2016, "level": "city", "file": SimpleUploadedFile("2016.xlsx", valid_bytes())},
        follow=True,
    )
    assert again.context["record"].unchanged == 20 and again.context["record"].created == 0


def test_a_broken_upload_shows_the_row_and_the_errors_download(client_for):
    client = client_for("admin")
    bad = plain(["一、续建项目"], project_row(1, "坏项目", total=-3))
    response = client.post(reverse("projects:import_list"), {"year": 2017, "level": "city", "file": bad}, follow=True)
    html = response.content.decode()
    assert "文件被拒绝" in html and "第5行「总投资」：不能为负数。" in html
    record = response.context["record"]
    errors = client.get(reverse("projects:import_errors", args=[record.pk]))
    rows = list(load_workbook(io.BytesIO(errors.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("类型", "工作表", "行号", "列", "说明")
    assert rows[1][2:] == (5, "总投资", "不能为负数。")


def test_upload_form_errors(client_for):
    response = client_for("admin").post(reverse("projects:import_list"), {"year": "x", "level": "county"})
    html = response.content.decode()
    assert "请选择要导入的清单文件（.xlsx、.xls 或 .ods）" in html
    assert not ImportRecord.objects.exists()


def test_the_template_downloads_and_imports(client_for):
    response = client_for("admin").get(reverse("projects:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    plan = read(SimpleUploadedFile("template.xlsx", response.content))
    assert messages(plan) == [] and plan.rows[0].name == "示例：北环路冷链物流中心"


@pytest.mark.parametrize("role", ["staff_a", "leader"])
def test_non_admins_cannot_use_the_import_pages(client_for, role, sample_import):
    client = client_for(role)
    for url in (
        reverse("projects:import_list"),
        reverse("projects:import_template"),
        reverse("projects:import_detail", args=[sample_import.pk]),
        reverse("projects:import_errors", args=[sample_import.pk]),
        reverse("projects:import_file", args=[sample_import.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("projects:import_confirm", args=[sample_import.pk])).status_code == 403
    assert not Listing.objects.filter(year=2016).exists()


def test_row_numbers_are_as_excel_shows_them_even_after_empty_top_rows():
    upload = xlsx(
        {"清单": [[], [], ["单位：万元"], HEADER + ["类别"], [], project_row(1, "第六行项目", total=-1) + ["续建"]]}
    )
    assert messages(read(upload)) == ["「清单」第6行「总投资」：不能为负数。"]


# --- Second review: what real files and hostile ones do -------------------------------------------


def test_a_sheet_that_understates_its_size_is_still_read_whole():
    data = with_replaced_member(
        "xl/worksheets/sheet1.xml",
        zipfile.ZipFile(io.BytesIO(valid_bytes()))
        .read("xl/worksheets/sheet1.xml")
        .replace(b'ref="A1:I31"', b'ref="A1:I20"'),
    )
    plan = read(SimpleUploadedFile("x.xlsx", data), year=2016)
    assert messages(plan) == [] and len(plan.rows) == 20


# Written out: an exponent in text is refused before its size is looked at (test_amounts.py).
@pytest.mark.parametrize("value", ["1" + "0" * 30, 1e30, "1" + "0" * 20, 10**13])
def test_absurd_amounts_are_row_errors(value):
    plan = read(plain(project_row(1, "巨额项目", total=value)))
    assert any("第5行「总投资」：" in m and "过大" in m for m in messages(plan)), messages(plan)


def test_a_unit_written_in_the_cell_wins():
    plan = read(plain(project_row(1, "亿元单元格", total="1.2亿元", plan="3000万元")))
    row = plan.rows[0]
    assert (row.values["total_investment"], row.values["annual_plan"]) == (Decimal("12000.00"), Decimal("3000.00"))


def test_a_unit_on_a_merged_group_header_applies_to_its_columns():
    rows = [
        ["序号", "项目名称", "所在街道", "投资情况（亿元）", None, "项目类别"],
        [None, None, None, "总投资", "2017年计划投资", None],
        [1, "分组单位项目", "东安路街道", 3.5, 0.5, "续建"],
    ]
    row = read(xlsx({"清单": rows}, merges={"清单": ["D1:E1"]})).rows[0]
    assert (row.values["total_investment"], row.values["annual_plan"]) == (Decimal("35000.00"), Decimal("5000.00"))


def test_a_long_title_with_the_unit_sets_the_unit():
    upload = xlsx(
        {
            "清单": [
                ["卫东区2017年市重点项目建设计划表（单位：亿元）"],
                ["项目名称", "建设地点", "总投资", "年度计划投资", "类别"],
                ["长标题项目", "北环路街道", 2, 1, "续建"],
            ]
        }
    )
    row = read(upload).rows[0]
    assert row.values["total_investment"] == Decimal("20000.00")


def test_the_plan_column_of_the_import_year_is_used_and_another_year_is_refused():
    header = ["项目名称", "建设地点", "总投资（万元）", "2016年计划投资（万元）", "2017年度计划投资（万元）", "类别"]
    row = read(xlsx({"清单": [header, ["两年计划项目", "北环路街道", 100, 11, 22, "续建"]]})).rows[0]
    assert row.values["annual_plan"] == Decimal("22.00")
    old = ["项目名称", "建设地点", "总投资（万元）", "2015年计划投资（万元）", "类别"]
    plan = read(xlsx({"清单": [old, ["旧年计划项目", "北环路街道", 100, 11, "续建"]]}))
    assert any("计划投资列是2015年的，与导入年度2017年不符" in m for m in messages(plan))
    assert plan.rows == []


@pytest.mark.parametrize(
    "cell, years", [("2016-18", (2016, 2018)), ("2016.3-2017.12", (2016, 2017)), ("2017", (2017, 2017))]
)
def test_construction_years_as_written(cell, years):
    row = read(plain(project_row(1, "年限项目")[:5] + [cell] + [100, 50])).rows[0]
    assert (row.values["start_year"], row.values["end_year"]) == years


def test_a_date_in_the_years_column_and_nonsense_years():
    from datetime import datetime

    row = read(plain(project_row(1, "日期年限")[:5] + [datetime(2016, 3, 1)] + [100, 50])).rows[0]
    assert (row.values["start_year"], row.values["end_year"]) == (2016, 2016)
    plan = read(plain(project_row(1, "错误年限")[:5] + ["2018-2016"] + [100, 50]))
    assert any("第5行「建设年限」" in m for m in messages(plan))


def test_batches_from_sheet_names_with_digits_and_an_undetermined_one():
    upload = xlsx(
        {
            "第1批": [HEADER, ["一、续建项目"], project_row(1, "甲")],
            "第2批": [HEADER, ["一、续建项目"], project_row(1, "乙")],
        }
    )
    assert [row.values["batch"] for row in read(upload).rows] == [1, 2]
    unclear = xlsx(
        {
            "Sheet1": [HEADER, ["一、续建项目"], project_row(1, "丙")],
            "Sheet2": [HEADER, ["一、续建项目"], project_row(1, "丁")],
        }
    )
    assert any("无法从表名或标题确定本表是第几批" in m for m in messages(read(unclear)))


def test_total_column_variants_and_a_missing_total_column():
    header = ["项目名称", "建设地点", "项目总投资（万元）", "年度计划投资（万元）", "类别"]
    assert (
        read(xlsx({"清单": [header, ["总投资变体", "北环路街道", 900, 10, "续建"]]})).rows[0].values["total_investment"]
        == 900
    )
    plan = read(
        xlsx(
            {"清单": [["项目名称", "建设地点", "年度计划投资（万元）", "类别"], ["无总投资", "北环路街道", 10, "续建"]]}
        )
    )
    assert any("缺少「总投资」列" in m for m in messages(plan))


def test_two_rows_resolving_to_one_existing_project_are_refused():
    Project.objects.create(name="道路改造工程（示例）", district=Region.objects.get(code="410403"))
    header = ["项目代码", "项目名称", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别"]
    rows = [
        ["2015-410403-48-01-000101", "道路改造工程（示例）", "北环路街道", 10, 1, "续建"],
        ["2015-410403-48-01-000102", "道路改造工程（示例）", "北环路街道", 10, 1, "续建"],
    ]
    plan = read(xlsx({"清单": [header, *rows]}))
    assert any("对应同一个已有项目" in m for m in messages(plan))


def test_section_rows_in_the_name_column_totals_with_counts_and_footer_rows_are_understood():
    rows = [
        HEADER,
        [1, 2, 3, 4, 5, 6, 7, 8],
        ["一", "计划建成项目（1个）"],
        project_row(1, "名称列分组项目", total=100, plan=50),
        [None, "（二）续建项目"],
        project_row(2, "括号分组项目", total=200, plan=60),
        [None, None, None, None, None, "全区合计（2个）", 300, 110],
        ["填表人：某某", None, "联系电话：0375-0000000"],
    ]
    plan = read(xlsx({"清单": rows}))
    assert messages(plan) == []
    assert [(row.name, row.values["category"]) for row in plan.rows] == [
        ("名称列分组项目", "completion"),
        ("括号分组项目", "continuing"),
    ]
    assert [check.ok for check in plan.subtotals] == [True, True]


def test_overlong_names_are_refused_in_the_preview():
    plan = read(plain(project_row(1, "长" * 201)))
    assert any("超过 200 个字" in m for m in messages(plan))


def test_a_location_naming_two_streets_is_refused():
    plan = read(plain(project_row(1, "跨街道项目", street="东高皇街道、申楼街道")))
    assert any("涉及多个街道" in m for m in messages(plan))


def test_new_units_are_created_once_whatever_the_bracket_width(users):
    header = ["项目名称", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别", "责任单位"]
    rows = [
        ["单位甲", "北环路街道", 10, 1, "续建", "区城投公司(国资)"],
        ["单位乙", "北环路街道", 10, 1, "续建", "区城投公司（国资）"],
    ]
    record, plan = import_upload(user=users["admin"], upload=xlsx({"清单": [header, *rows]}), year=2017, level="city")
    assert plan.new_units == ["区城投公司(国资)"]
    import_confirm(user=users["admin"], record=record)
    from projects.models import Unit

    assert Unit.objects.filter(name__startswith="区城投公司").count() == 1


def test_a_title_only_sheet_beside_the_list_is_skipped_with_a_note():
    upload = xlsx(
        {"说明": [["2017年市重点项目说明"]], "清单": [HEADER + ["类别"], project_row(1, "有效项目") + ["续建"]]}
    )
    plan = read(upload)
    assert messages(plan) == [] and len(plan.rows) == 1
    assert any("没有「项目名称」表头" in str(w) for w in plan.warnings)


def test_the_command_refuses_a_year_out_of_range():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2000到2100"):
        call_command("import_projects", str(SAMPLE_LIST), "--year", "1999", stdout=io.StringIO())


def sheet_with(xml_body, path="xl/worksheets/sheet1.xml"):
    return SimpleUploadedFile("x.xlsx", with_replaced_member(path, xml_body))


@pytest.mark.parametrize(
    "kind",
    ["a row numbered a million", "huge shared strings"],
)
def test_more_hostile_shapes_are_refused(kind):
    if kind == "a row numbered a million":
        upload = sheet_with(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>'
        )
    else:
        strings = b"".join(b"<si><t>%d</t></si>" % n for n in range(2_500_000))
        upload = SimpleUploadedFile("x.xlsx", with_extra_member("xl/extra.xml", strings))
    started = time.perf_counter()
    plan = read(upload)
    assert not plan.ok and time.perf_counter() - started < 30


# --- Row numbers and row counts on the bytes, whatever the quoting, encoding or part name ------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def tiny_xlsx(sheet, *, part="xl/worksheets/sheet1.xml", sheets=1):
    """A workbook of a kilobyte or two whose ``sheets`` sheets all read the one part ``part``."""
    workbook = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{DOC_RELS}"><sheets>'
        + "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, sheets + 1))
        + "</sheets></workbook>"
    )
    rels = (
        f'<Relationships xmlns="{RELS_NS}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{DOC_RELS}/worksheet" Target="/{part}"/>' for n in range(1, sheets + 1)
        )
        + "</Relationships>"
    )
    members = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/{part}" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": rels,
        part: sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data if isinstance(data, bytes) else data.encode())
    return buffer.getvalue()


def sheet_xml(row_tag, *, prolog=""):
    return (
        f'{prolog}<worksheet xmlns="{MAIN_NS}"><sheetData>{row_tag}'
        '<c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row></sheetData></worksheet>'
    )


def char_reference(number):
    text = str(number)
    return f"&#{ord(text[0])};{text[1:]}"


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

# Each shape states one row numbered ``n``: openpyxl pads every row before it.
ROW_SHAPES = {
    "single quotes": lambda n: tiny_xlsx(sheet_xml(f"<row r='{n}'>")),
    "spaces around =": lambda n: tiny_xlsx(sheet_xml(f'<row r = "{n}">')),
    "line breaks and tabs": lambda n: tiny_xlsx(sheet_xml(f"<row\n\tr\n=\n'{n}'\n>")),
    "a sheet part named .XML": lambda n: tiny_xlsx(sheet_xml(f'<row r="{n}">'), part="xl/worksheets/sheet1.XML"),
    "a sheet part named .bin": lambda n: tiny_xlsx(sheet_xml(f'<row r="{n}">'), part="xl/printerSettings/p1.bin"),
    "a numeric character reference": lambda n: tiny_xlsx(sheet_xml(f'<row r="{char_reference(n)}">')),
    "a hexadecimal character reference": lambda n: tiny_xlsx(
        sheet_xml(f'<row r="&#x{ord(str(n)[0]):x};{str(n)[1:]}">')
    ),
    "an exponent": lambda n: tiny_xlsx(sheet_xml(f'<row r="{n / 10**6:g}e6">')),
    "spaces inside the value": lambda n: tiny_xlsx(sheet_xml(f'<row r=" {n} ">')),
    "a '>' in an earlier attribute": lambda n: tiny_xlsx(sheet_xml(f'<row spans="1:1" x:y=">" r="{n}" xmlns:x="u">')),
    "a quote left open in a comment": lambda n: tiny_xlsx(sheet_xml(f'<!-- <row x=" --><row r="{n}" y=">">')),
    "full-width digits": lambda n: tiny_xlsx(sheet_xml(f'<row r="{str(n).translate(FULL_WIDTH)}">')),
    "Thai digits in TIS-620": lambda n: tiny_xlsx(
        sheet_xml(f'<row r="{str(n).translate(THAI)}">', prolog='<?xml version="1.0" encoding="TIS-620"?>').encode(
            "tis-620", "xmlcharrefreplace"
        )
    ),
    "a no-break space in ISO-8859-1": lambda n: tiny_xlsx(
        sheet_xml(f'<row r="{n}\xa0">', prolog='<?xml version="1.0" encoding="ISO-8859-1"?>').encode(
            "latin-1", "xmlcharrefreplace"
        )
    ),
    "a prefixed element": lambda n: tiny_xlsx(
        sheet_xml(f'<m:row xmlns:m="{MAIN_NS}" r="{n}">').replace("</row>", "</m:row>")
    ),
    "UTF-16 with a byte-order mark": lambda n: tiny_xlsx(
        sheet_xml(f'<row r="{n}">', prolog='<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16")
    ),
    "UTF-16 without a byte-order mark": lambda n: tiny_xlsx((" " + sheet_xml(f'<row r="{n}">')).encode("utf-16-le")),
}


@pytest.mark.parametrize("shape", ROW_SHAPES)
def test_each_row_shape_really_makes_openpyxl_pad_the_rows_before_it(shape):
    """The shapes below are real: with a modest row number openpyxl reads that many rows."""
    workbook = load_workbook(io.BytesIO(ROW_SHAPES[shape](500)), read_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    assert sum(1 for _ in sheet.iter_rows(values_only=True, max_col=1)) == 500
    workbook.close()


@pytest.fixture
def openpyxl_must_not_open(monkeypatch):
    from projects.importers import workbook

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a file the byte checks should have refused")

    monkeypatch.setattr(workbook.openpyxl, "load_workbook", refuse)


@pytest.mark.usefixtures("openpyxl_must_not_open")
@pytest.mark.parametrize("shape", ROW_SHAPES)
def test_a_row_numbered_fifty_million_is_refused_on_the_bytes_in_every_shape(shape):
    content = ROW_SHAPES[shape](50_000_000)
    assert len(content) < 2048
    plan = read(SimpleUploadedFile("rows.xlsx", content))
    assert not plan.ok and "超过 20,000 行" in messages(plan)[0], messages(plan)


@pytest.mark.usefixtures("openpyxl_must_not_open")
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 8, 13, 64])
@pytest.mark.parametrize(
    "shape",
    [
        "single quotes",
        "spaces around =",
        "a '>' in an earlier attribute",
        "a quote left open in a comment",
        "UTF-16 without a byte-order mark",
        "a no-break space in ISO-8859-1",
    ],
)
def test_the_byte_checks_see_a_row_split_across_any_two_reads(monkeypatch, shape, chunk):
    from projects.importers import workbook

    monkeypatch.setattr(workbook, "SCAN_CHUNK_BYTES", chunk)
    plan = read(SimpleUploadedFile("rows.xlsx", ROW_SHAPES[shape](50_000_000)))
    assert "超过 20,000 行" in messages(plan)[0], messages(plan)


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_many_rows_in_a_part_of_any_name_are_counted_on_the_bytes():
    rows = "".join("<row><c><v>1</v></c></row>" for _ in range(100_001))
    content = tiny_xlsx(sheet_xml(f"{rows}<row>"), part="xl/worksheets/sheet1.bin")
    plan = read(SimpleUploadedFile("rows.xlsx", content))
    assert "超过 20,000 行" in messages(plan)[0], messages(plan)


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_a_row_number_padded_past_what_one_read_holds_is_refused():
    content = tiny_xlsx(sheet_xml('<row r="' + " " * 3_000_000 + '50000000">'))
    assert len(content) < 8192
    plan = read(SimpleUploadedFile("padded.xlsx", content))
    assert "已拒绝读取" in messages(plan)[0], messages(plan)


def test_an_absurd_character_reference_in_a_row_number_is_only_not_a_number():
    content = tiny_xlsx(sheet_xml(f'<row r="&#{"9" * 5000};">'))
    plan = read(SimpleUploadedFile("reference.xlsx", content))
    assert not plan.ok and "超过" not in messages(plan)[0], messages(plan)


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_an_encoding_declared_past_what_one_read_holds_is_refused():
    prolog = '<?xml version="1.0"' + " " * 2_000_000 + 'encoding="ISO-8859-1"?>'
    content = tiny_xlsx(sheet_xml('<row r="50000000\xa0">', prolog=prolog).encode("latin-1", "xmlcharrefreplace"))
    plan = read(SimpleUploadedFile("declared.xlsx", content))
    assert "已拒绝读取" in messages(plan)[0], messages(plan)


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_a_row_number_from_a_dtd_default_attribute_is_refused_as_unsafe():
    doctype = '<!DOCTYPE worksheet [<!ATTLIST row r CDATA "50000000">]>'
    plan = read(SimpleUploadedFile("dtd.xlsx", tiny_xlsx(sheet_xml("<row>", prolog=doctype))))
    assert "不安全的 XML" in messages(plan)[0], messages(plan)


@pytest.mark.usefixtures("openpyxl_must_not_open")
def test_one_part_read_as_more_sheets_than_allowed_is_refused_on_the_bytes():
    plan = read(SimpleUploadedFile("many.xlsx", tiny_xlsx(sheet_xml('<row r="1">'), sheets=30)))
    assert "超过 20 个" in messages(plan)[0], messages(plan)


def test_rows_openpyxl_would_pad_across_sheets_are_bounded_while_reading():
    """One part read by three sheets, each padded to row 90,000: within every byte limit, but more
    rows than a list has; reading stops at the limit instead of walking them all."""
    plan = read(SimpleUploadedFile("three.xlsx", tiny_xlsx(sheet_xml('<row r="90000">'), sheets=3)))
    assert "超过 20,000 行" in messages(plan)[0], messages(plan)


@pytest.mark.usefixtures("openpyxl_must_not_open")
@pytest.mark.parametrize("shape", ["single quotes", "a sheet part named .bin", "a numeric character reference"])
def test_the_command_refuses_the_same_files_on_the_bytes(tmp_path, shape):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(ROW_SHAPES[shape](50_000_000))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_projects", str(path), "--year", "2017", "--region", "410403", "--json", stdout=out)
    assert exit_.value.code == 1
    errors = json.loads(out.getvalue())["errors"]
    assert "超过 20,000 行" in errors[0]["message"]
    assert ImportRecord.objects.get().file.name == ""


def with_header_field(content, central, local, change):
    """``content`` with one field of every zip header changed (offsets into the central directory
    entry and the local header)."""
    data = bytearray(content)
    for signature, offset in ((b"PK\x01\x02", central), (b"PK\x03\x04", local)):
        position = 0
        while (position := data.find(signature, position)) >= 0:
            data[position + offset] = change(data[position + offset])
            position += 4
    return bytes(data)


@pytest.mark.parametrize(
    "kind, central, local, change",
    [("encrypted", 8, 6, lambda flags: flags | 1), ("an unknown compression method", 10, 8, lambda method: 99)],
)
def test_an_encrypted_or_oddly_compressed_file_is_refused_in_chinese(kind, central, local, change):
    content = with_header_field(tiny_xlsx(sheet_xml('<row r="1">')), central, local, change)
    plan = read(SimpleUploadedFile("locked.xlsx", content))
    assert messages(plan) == [
        "「locked.xlsx」：文件已加密或使用了不支持的压缩方式，无法读取。请在 Excel 中另存为普通的 .xlsx 文件后再导入。"
    ]


# --- What is kept of an upload, and how it is served back ------------------------------------------


def upload_page(client, content, name, year=2017):
    return client.post(
        reverse("projects:import_list"),
        {"year": year, "level": "city", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def download_name(response):
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;"), disposition
    from urllib.parse import unquote

    return unquote(re.split(r"filename\*=utf-8''", disposition, maxsplit=1, flags=re.I)[1])


def test_a_refused_upload_keeps_its_errors_but_not_its_file(users):
    bad = plain(project_row(1, "坏项目", total=-1))
    record, plan = import_upload(user=users["admin"], upload=bad, year=2017, level="city")
    record.refresh_from_db()
    assert record.status == "refused" and not record.file
    assert record.summary["errors"] == [error.as_dict() for error in plan.errors]
    hostile = SimpleUploadedFile("setup.xlsx", b"MZ\x90\x00" + b"\x00" * 100)
    assert not import_upload(user=users["admin"], upload=hostile, year=2017, level="city")[0].file


def test_the_file_of_a_refused_upload_is_not_found_and_not_offered(client_for):
    client = client_for("admin")
    response = upload_page(client, plain(project_row(1, "坏项目", total=-1)).read(), "清单.html")
    record = response.context["record"]
    assert "下载原文件" not in response.content.decode()
    assert client.get(reverse("projects:import_file", args=[record.pk])).status_code == 404
    errors = client.get(reverse("projects:import_errors", args=[record.pk]))
    assert download_name(errors) == "导入错误-清单.xlsx"


@pytest.mark.parametrize(
    "name, served", [("清单.html", "清单.xlsx"), ("x.exe", "x.xlsx"), ("2016名单.xlsx", "2016名单.xlsx")]
)
def test_a_kept_file_is_served_as_an_xlsx_attachment_whatever_its_upload_name(client_for, name, served):
    client = client_for("admin")
    response = upload_page(client, valid_bytes(), name, year=2016)
    record = response.context["record"]
    assert record.status == "previewed" and "下载原文件" in response.content.decode()
    kept = client.get(reverse("projects:import_file", args=[record.pk]))
    assert kept.status_code == 200 and kept["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download_name(kept) == served
    assert b"".join(kept.streaming_content) == valid_bytes()
    assert download_name(client.get(reverse("projects:import_errors", args=[record.pk]))) == f"导入错误-{served}"


def test_the_migration_forgets_the_files_of_refused_imports_already_kept(users, monkeypatch):
    import importlib

    from django.core.files.base import ContentFile

    migration = importlib.import_module("projects.migrations.0008_import_refused_file")
    kept = []
    for status in ("refused", "refused", "previewed"):
        record = ImportRecord(
            original_name="a.xlsx", sha256="0" * 64, year=2017, level="city", status=status, summary={"errors": []}
        )
        record.file.save("list.xlsx", ContentFile(b"data"), save=False)
        record.save()
        kept.append(record)
    storage = kept[0].file.storage
    names = [record.file.name for record in kept]
    real_delete = storage.delete

    def delete(name):  # the second refused file cannot be deleted: the migration goes on
        if name == names[1]:
            raise OSError("storage unavailable")
        real_delete(name)

    monkeypatch.setattr(storage, "delete", delete)
    from django.db import connection

    migration.forget_refused_files(apps, connection.schema_editor())
    for record in kept:
        record.refresh_from_db()
    assert [bool(record.file) for record in kept] == [False, False, True]
    assert not storage.exists(names[0]) and storage.exists(names[2])


# --- Errors in the order of the file ---------------------------------------------------------------


def test_errors_are_listed_by_sheet_then_row():
    upload = xlsx(
        {
            "第一批": [
                HEADER + ["类别"],
                project_row(1, "甲项目", street="火星街道") + ["续建"],  # row 2: a street, found when planning
                project_row(2, "乙项目", total=-1) + ["续建"],  # row 3: an amount, found when parsing
                project_row(3, "丙项目") + ["续建"],
            ],
            "第二批": [
                HEADER + ["类别"],
                project_row(1, "丙项目") + ["续建"],  # row 2: the same project as 第一批 row 4
                project_row(2, "丁项目", street="月球街道", plan=-1) + ["续建"],  # row 3: two errors
            ],
        }
    )
    plan = read(upload)
    where = [(error.sheet, error.row, error.column) for error in plan.errors]
    assert where == [
        ("第一批", 2, "建设地点"),
        ("第一批", 3, "总投资"),
        ("第二批", 2, "项目名称"),
        ("第二批", 3, "建设地点"),
        ("第二批", 3, "年度计划投资"),
    ]


def test_a_refused_import_shows_its_errors_without_an_empty_summary(client_for):
    client = client_for("admin")
    response = upload_page(client, plain(project_row(1, "坏项目", total=-1), project_row(2, "好项目")).read(), "x.xlsx")
    html = response.content.decode()
    assert "第5行「总投资」：不能为负数。" in html and "下载错误清单" in html
    for heading in ("<h2>汇总</h2>", "按类别", "按批次", "逐行预览", "确认导入"):
        assert heading not in html, heading
    good = upload_page(client, valid_bytes(), "2016.xlsx", year=2016)
    assert all(heading in good.content.decode() for heading in ("<h2>汇总</h2>", "按类别", "逐行预览", "确认导入"))


# --- Lists across districts: an import is made by an office, each row goes to a district under it ----

DISTRICT_HEADER = [
    "序号",
    "项目名称",
    "所在县区",
    "建设地点",
    "总投资（万元）",
    "2017年计划投资（万元）",
    "类别",
    "责任单位",
]


def district_list(*rows):
    return xlsx({"2017年市重点项目": [["平顶山市2017年市重点项目名单"], ["单位：万元"], DISTRICT_HEADER, *rows]})


@pytest.fixture
def city_admin(demo, django_user_model):
    """The demo's 平顶山市项目办."""
    return django_user_model.objects.get(username="city")


@pytest.fixture
def xinhua_admin(demo, django_user_model):
    """An admin of 新华区项目办."""
    from accounts.models import Role

    return django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


def imported(user, upload, year=2017):
    record, plan = import_upload(user=user, upload=upload, year=year, level="city")
    assert plan.ok, messages(plan)
    return import_confirm(user=user, record=record), plan


def test_a_city_list_puts_each_project_in_the_district_its_row_names(city_admin):
    upload = district_list(
        [1, "跨区甲项目", "卫东区", "北环路街道", 1000, 300, "续建", "区住房和城乡建设局"],
        [2, "跨区乙项目", "410402", "中兴路街道", 2000, 400, "新开工", "区住房和城乡建设局"],
        [3, "跨区丙项目", "", "湛河区南环路街道", 3000, 500, "续建", "区住房和城乡建设局"],
    )
    units_before = Unit.objects.count()
    record, plan = imported(city_admin, upload)
    assert record.region.code == "410400"
    assert [(row.name, row.values["district"].name) for row in plan.rows] == [
        ("跨区甲项目", "卫东区"),
        ("跨区乙项目", "新华区"),
        ("跨区丙项目", "湛河区"),
    ]
    placed = {
        project.name: (project.district.code, project.street.name, project.unit.district.code)
        for project in Project.objects.filter(name__startswith="跨区").select_related("district", "street", "unit")
    }
    # Each row's unit is its own district's 区住房和城乡建设局: the name is in all three, none is created.
    assert placed == {
        "跨区甲项目": ("410403", "北环路街道", "410403"),
        "跨区乙项目": ("410402", "中兴路街道", "410402"),
        "跨区丙项目": ("410411", "南环路街道", "410411"),
    }
    assert Unit.objects.count() == units_before
    assert [label for label, *_ in record.summary["by_district"]] == ["新华区", "卫东区", "湛河区"]


def test_a_district_office_importing_another_districts_project_is_refused_on_those_rows(users):
    xinhua = Project.objects.get(name="新华区矿工路综合管廊（示例）")
    Project.objects.filter(pk=xinhua.pk).update(code="2015-410402-48-01-000001")
    header = ["序号", "项目代码", "项目名称", "建设地点", "总投资（万元）", "2017年计划投资（万元）", "类别"]
    upload = xlsx(
        {
            "清单": [
                header,
                [1, "", "越界项目", "新华区中兴路街道", 100, 10, "续建"],
                [2, "2015-410402-48-01-000001", "新华区矿工路综合管廊（示例）", "北环路街道", 100, 10, "续建"],
                [3, "", "新华区中兴路片区棚户区改造（示例）", "中兴路街道", 100, 10, "续建"],
                [4, "", "本区正常项目", "北环路街道", 100, 10, "续建"],
            ]
        }
    )
    before = table_counts()
    xinhua_before = Project.objects.filter(pk=xinhua.pk).values().get()
    record, plan = import_upload(user=users["admin"], upload=upload, year=2017, level="city")
    assert record.status == "refused" and record.region.code == "410403"
    assert messages(plan) == [
        "「清单」第2行「建设地点」：「新华区」不在本项目办管理范围内：卫东区项目办只能导入卫东区的项目。",
        "「清单」第3行「项目代码」：项目代码「2015-410402-48-01-000001」已被本项目办管理范围以外的项目使用，不能导入。",
        "「清单」第4行「建设地点」：未知街道「中兴路街道」。已知街道：东安路街道、五一路街道、东工人镇街道、优越路街道、"
        "建设路街道、东环路街道、光华路街道、鸿鹰街道、北环路街道、东高皇街道、蒲城街道、申楼街道、皇台街道。",
    ]
    assert [row.name for row in plan.rows] == ["本区正常项目"]  # planned, but the file is refused whole
    before["projects.ImportRecord"] += 1
    assert table_counts() == before
    assert Project.objects.filter(pk=xinhua.pk).values().get() == xinhua_before
    with pytest.raises(ValidationError, match="不能再确认"):
        import_confirm(user=users["admin"], record=record)


def test_a_district_office_may_name_its_own_district_but_no_other_in_the_district_column():
    rows = [
        [1, "本区写明项目", "卫东区", "北环路街道", 100, 10, "续建", ""],
        [2, "代码写明项目", "410403", "东安路街道", 100, 10, "续建", ""],
        [3, "湛河区项目", "410411", "南环路街道", 100, 10, "续建", ""],
        [4, "舞钢市项目", "舞钢市", "", 100, 10, "续建", ""],
        [5, "市级行", "平顶山市", "北环路街道", 100, 10, "续建", ""],
        [6, "未知县区项目", "火星区", "北环路街道", 100, 10, "续建", ""],
    ]
    plan = read(district_list(*rows))
    assert [row.name for row in plan.rows] == ["本区写明项目", "代码写明项目"]
    assert messages(plan) == [
        "「2017年市重点项目」第6行「所在县区」：「湛河区」不在本项目办管理范围内：卫东区项目办只能导入卫东区的项目。",
        "「2017年市重点项目」第7行「所在县区」：「舞钢市」不在本项目办管理范围内：卫东区项目办只能导入卫东区的项目。",
        "「2017年市重点项目」第8行「所在县区」：「平顶山市」不是县（市、区），请填写项目所在的县区（如「卫东区」或「410403」）。",
        "「2017年市重点项目」第9行「所在县区」：未知县区「火星区」，请填写县（市、区）的名称或六位行政区划代码"
        "（如「卫东区」或「410403」）。",
    ]


def test_a_city_office_takes_a_county_without_streets_and_refuses_a_row_without_a_district(city_admin):
    record, plan = imported(
        city_admin, district_list([1, "舞钢市测试项目", "舞钢市", "垭口街道", 800, 200, "新开工", ""])
    )
    project = Project.objects.get(name="舞钢市测试项目")
    assert (project.district.code, project.street) == ("410481", None)
    assert project.listings.get(year=2017).annual_plan == Decimal("200")

    sample = read(SimpleUploadedFile("2016.xlsx", valid_bytes()), year=2016, region="410400")
    assert not sample.ok and len(sample.errors) == 20 and not sample.rows
    assert str(sample.errors[0]) == (
        "「2016年市重点项目」第5行「建设地点」：请填写所在县区（如「新华区」或「410402」）："
        "平顶山市项目办只能导入平顶山市所辖县（市、区）的项目，每行都须写明是哪个县（市、区）的。"
    )


def test_the_same_unit_or_project_name_in_two_districts_is_two_units_or_projects(city_admin):
    rows = [
        [1, "老旧小区改造工程（测试）", "新华区", "矿工路街道", 500, 100, "续建", "区城投公司"],
        [2, "老旧小区改造工程（测试）", "湛河区", "马庄街道", 600, 120, "续建", "区城投公司"],
    ]
    record, plan = imported(city_admin, district_list(*rows))
    assert plan.new_units == ["区城投公司（新华区）", "区城投公司（湛河区）"]
    units = Unit.objects.filter(name="区城投公司").order_by("district__code")
    assert [unit.district.code for unit in units] == ["410402", "410411"]
    projects = Project.objects.filter(name="老旧小区改造工程（测试）").order_by("district__code")
    assert [(p.district.code, p.unit.district.code, p.street.name) for p in projects] == [
        ("410402", "410402", "矿工路街道"),
        ("410411", "410411", "马庄街道"),
    ]
    again = read(district_list(*rows), region="410400")
    assert [row.status for row in again.rows] == ["unchanged", "unchanged"] and again.new_units == []


def test_a_district_office_creates_units_in_its_own_district_beside_a_namesake(users):
    Unit.objects.create(name="区城投公司", district=Region.objects.get(code="410402"))
    header = ["项目名称", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别", "责任单位"]
    upload = xlsx({"清单": [header, ["本区城投项目", "北环路街道", 10, 1, "续建", "区城投公司"]]})
    record, plan = imported(users["admin"], upload)
    assert plan.new_units == ["区城投公司"]
    assert sorted(Unit.objects.filter(name="区城投公司").values_list("district__code", flat=True)) == [
        "410402",
        "410403",
    ]
    assert Project.objects.get(name="本区城投项目").unit.district.code == "410403"


def test_leaders_are_matched_within_the_rows_district():
    """吴某 is 卫东区's 人大常委会副主任 and 新华区's 区长: each row finds its own district's."""
    header = ["项目名称", "所在县区", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别", "联系领导"]
    rows = [["卫东区领导项目", "卫东区", "北环路街道", 10, 1, "续建", "吴某"]]
    plan = read(xlsx({"清单": [header, *rows]}))
    assert plan.warnings == [] and plan.rows[0].leader.region.code == "410403"
    rows.append(["新华区领导项目", "新华区", "中兴路街道", 10, 1, "续建", "吴某"])
    city = read(xlsx({"清单": [header, *rows]}), region="410400")
    assert city.warnings == []
    assert [(row.leader.title, row.leader.region.code) for row in city.rows] == [
        ("区人大常委会副主任", "410403"),
        ("区长", "410402"),
    ]


def test_a_row_naming_two_districts_or_a_code_of_another_districts_project_is_refused_for_the_city():
    Project.objects.filter(name="湛河生态廊道二期（示例）").update(code="2015-410411-48-01-000002")
    header = ["项目代码", "项目名称", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别"]
    rows = [
        ["", "两区项目", "卫东区、新华区", 10, 1, "续建"],
        ["2015-410411-48-01-000002", "错区代码项目", "卫东区北环路街道", 10, 1, "续建"],
        ["2015-410411-48-01-000002", "湛河生态廊道二期（示例）", "湛河区九龙山街道", 10, 1, "续建"],
    ]
    plan = read(xlsx({"清单": [header, *rows]}), region="410400")
    assert messages(plan) == [
        "「清单」第2行「建设地点」：「卫东区、新华区」涉及多个县区（卫东区、新华区），请只填一个所在县区。",
        "「清单」第3行「项目代码」：项目代码「2015-410411-48-01-000002」是湛河区的项目，与本行所在县区「卫东区」不符。",
        "「清单」第4行「项目代码」：与「清单」第3行是同一个项目，请删除重复的一行。",
    ]


def test_import_pages_of_another_district_answer_404(client_for, users, city_admin, xinhua_admin):
    from django.core.exceptions import PermissionDenied
    from django.test import Client

    record, plan = import_upload(
        user=xinhua_admin, upload=plain(project_row(1, "新华区导入项目", street="中兴路街道")), year=2017, level="city"
    )
    assert plan.ok and record.region.code == "410402"
    weidong = client_for("admin")
    for name in ("import_detail", "import_file", "import_errors"):
        assert weidong.get(reverse(f"projects:{name}", args=[record.pk])).status_code == 404, name
    assert weidong.post(reverse("projects:import_confirm", args=[record.pk])).status_code == 404
    assert "新华区导入项目" not in weidong.get(reverse("projects:import_list")).content.decode()
    with pytest.raises(PermissionDenied):
        import_confirm(user=users["admin"], record=record)
    assert not Project.objects.filter(name="新华区导入项目").exists()

    for user in (xinhua_admin, city_admin):  # its own office, and the city above it
        client = Client()
        client.force_login(user)
        assert client.get(reverse("projects:import_detail", args=[record.pk])).status_code == 200
        assert "list.xlsx" in client.get(reverse("projects:import_list")).content.decode()
    done = Client()
    done.force_login(city_admin)
    done.post(reverse("projects:import_confirm", args=[record.pk]))
    assert Project.objects.get(name="新华区导入项目").district.code == "410402"  # re-planned for 新华区


def test_a_city_preview_shows_the_districts(client_for, city_admin):
    from django.test import Client

    client = Client()
    client.force_login(city_admin)
    upload = district_list(
        [1, "页面甲项目", "卫东区", "北环路街道", 1000, 300, "续建", ""],
        [2, "页面乙项目", "新华区", "中兴路街道", 2000, 400, "续建", ""],
    )
    response = client.post(
        reverse("projects:import_list"), {"year": 2017, "level": "city", "file": upload}, follow=True
    )
    html = response.content.decode()
    assert "平顶山市项目办导入" in html and "按县区" in html and "<td>新华区</td>" in html
    assert "按县区" not in upload_page(client_for("admin"), valid_bytes(), "2016.xlsx", year=2016).content.decode()


def test_the_operator_names_the_importing_office(client, django_user_model):
    operator = django_user_model.objects.create_superuser("operator", password="kp-test-Pass-2015")
    client.force_login(operator)
    assert 'name="region"' in client.get(reverse("projects:import_list")).content.decode()
    data = {"year": 2016, "level": "city"}
    response = client.post(
        reverse("projects:import_list"), {**data, "file": SimpleUploadedFile("a.xlsx", valid_bytes())}
    )
    assert "请指定导入清单的项目办" in response.content.decode() and not ImportRecord.objects.exists()
    response = client.post(
        reverse("projects:import_list"),
        {**data, "region": "410403", "file": SimpleUploadedFile("a.xlsx", valid_bytes())},
        follow=True,
    )
    record = response.context["record"]
    assert record.region.code == "410403" and record.status == "previewed" and record.created == 20


def test_the_command_needs_a_known_region_when_there_are_several():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有行政区划代码为「999999」的地区"):
        call_command("import_projects", str(SAMPLE_LIST), "--year", "2016", "--region", "999999", stdout=io.StringIO())
    with pytest.raises(CommandError, match="请指定导入清单的项目办.*--region"):
        call_command("import_projects", str(SAMPLE_LIST), "--year", "2016", stdout=io.StringIO())
    assert not ImportRecord.objects.exists()
    code, result = run_command("--dry-run", region="410400")
    assert code == 1 and len(result["errors"]) == 20 and result["region"] == "410400"
    assert all("请填写所在县区" in error["message"] for error in result["errors"])


def test_a_road_named_after_a_county_is_no_district_and_two_columns_must_agree():
    from projects.models import Street

    Street.objects.create(name="叶县路街道", district=Region.objects.get(code="410403"), sort_order=99)
    rows = [
        [1, "叶县路项目", "", "叶县路街道", 100, 10, "续建", ""],
        [2, "两列不一项目", "卫东区", "新华区中兴路街道", 100, 10, "续建", ""],
    ]
    plan = read(district_list(*rows))
    assert [(row.name, row.values["district"].code, row.values["street"].name) for row in plan.rows] == [
        ("叶县路项目", "410403", "叶县路街道")
    ]
    assert messages(plan) == [
        "「2017年市重点项目」第5行「建设地点」：「新华区中兴路街道」与所在县区「卫东区」不是同一个县区。"
    ]
