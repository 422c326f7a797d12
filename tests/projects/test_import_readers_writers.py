"""The import's fast paths: python-calamine reads the cells openpyxl read (and never sees a file the
byte checks refuse or leave to openpyxl), and the bulk insert (COPY on PostgreSQL) writes the rows
and history rows the ORM would."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from projects.importers import calamine_rows, workbook
from projects.models import Listing, Project, Region
from projects.services.audit import bulk_create_audited
from projects.services.errors import ValidationError
from projects.services.import_values import PARSED_KEY, parsed_list_from
from projects.services.import_writes import insert_created
from projects.services.imports import import_confirm, import_read, import_upload
from tests.conftest import SAMPLE_LIST
from tests.projects.test_import import ROW_SHAPES, tiny_xlsx

pytestmark = pytest.mark.django_db


def _workbook_bytes():
    book = Workbook()
    sheet = book.active
    sheet.title = "清单"
    sheet.append(["项目名称", "总投资", "计划", "日期", "备注"])
    sheet.append(["甲", 3000, 3000.1, datetime.datetime(2016, 3, 1), None])
    sheet.append(["乙", 0.1 + 0.2, 1e20, datetime.datetime(2016, 3, 1, 12, 30), "  "])
    sheet.append([])
    sheet.append(["丙（合并）", 12345678901234567, -0.5, datetime.date(2017, 1, 2), True])
    sheet.merge_cells("A5:B5")
    sheet.append([None, None, "=1+1", None, "x"])
    hidden = book.create_sheet("隐藏")
    hidden.append(["不读"])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _trimmed(sheets):
    """(title, rows) with openpyxl's padding (blank cells up to column 60) left off."""
    result = []
    for sheet in sheets:
        rows = []
        for number, values in sheet.rows:
            values = list(values)
            while values and values[-1] is None:
                values.pop()
            rows.append((number, values))
        result.append((sheet.title, rows))
    return result


def test_calamine_reads_the_values_openpyxl_read():
    content = _workbook_bytes()
    upload = io.BytesIO(content)
    assert workbook._check_package(upload)  # calamine may read it
    fast = workbook._calamine_rows(upload)
    slow = workbook._openpyxl_rows(io.BytesIO(content))
    assert _trimmed(fast) == _trimmed(slow)
    rows = dict(_trimmed(fast)[0][1])
    assert rows[2][1:4] == [3000, 3000.1, datetime.datetime(2016, 3, 1)]
    assert type(rows[2][1]) is int and Decimal(repr(rows[2][2])) == Decimal("3000.1")
    assert rows[3][1] == 0.3 and rows[3][2] == 1e20 and rows[3][4] == "  "
    assert 4 not in rows and rows[5][:2] == ["丙（合并）", None]  # blank row left out; merged: top-left only
    assert rows[6] == [None, None, None, None, "x"]  # a formula with no cached value is blank


def test_the_import_reads_with_calamine_and_keeps_amounts_exact(users, monkeypatch):
    called = []
    original = calamine_rows.sheets_in_child
    monkeypatch.setattr(
        calamine_rows, "sheets_in_child", lambda *args, **kwargs: called.append(1) or original(*args, **kwargs)
    )
    monkeypatch.setattr(workbook.openpyxl, "load_workbook", _openpyxl_must_not_open)
    with SAMPLE_LIST.open("rb") as handle:
        plan = import_read(File(handle, name="list.xlsx"), year=2016, level="city", region=_weidong())
    assert called and plan.ok and len(plan.rows) == 20
    assert all(isinstance(row.values["total_investment"], Decimal) for row in plan.rows)


def _openpyxl_must_not_open(*args, **kwargs):
    raise AssertionError("openpyxl opened a file calamine could read")


def _weidong():
    return Region.objects.get(code="410403")


@pytest.mark.usefixtures("calamine_must_not_open")
@pytest.mark.parametrize("shape", ["single quotes", "a numeric character reference", "UTF-16 with a byte-order mark"])
def test_a_hostile_file_is_refused_before_calamine_sees_it(shape, users):
    plan = import_read(
        SimpleUploadedFile("rows.xlsx", ROW_SHAPES[shape](50_000_000)), year=2017, level="city", region=_weidong()
    )
    assert not plan.ok and "超过 20,000 行" in plan.errors[0].message


SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData></worksheet>'
)
CELL = '<c r="{}" t="inlineStr"><is><t>项目名称</t></is></c>'


@pytest.mark.usefixtures("calamine_must_not_open")
@pytest.mark.parametrize(
    "rows",
    [
        f'<row r="1">{CELL.format("A1")}{CELL.format("XFD1")}</row>',  # a grid 16,384 columns wide
        f'<row r="1">{CELL.format("A1")}</row><row r="24999">{CELL.format("BI24999")}</row>',
        f'<row r="1">{CELL.format("A1")}</row><row r="99999">{CELL.format("A99999")}</row>',
        '<row r="1"><c t="inlineStr"><is><t>项目名称</t></is></c></row>',  # no reference: placed by count
        f'<row r="1">{CELL.format("A1")}<c r="B1" t="e"><v>#N/A</v></c></row>',  # calamine reads blank
        f'<row r="90000">{CELL.format("A1")}</row>',  # openpyxl numbers the row 90,000
    ],
)
def test_cells_calamine_would_place_far_out_or_read_otherwise_go_to_openpyxl(rows, users):
    content = tiny_xlsx(SHEET.format(rows))
    assert len(content) < 4096
    import_read(SimpleUploadedFile("far.xlsx", content), year=2017, level="city", region=_weidong())


def test_a_far_cell_split_across_two_reads_still_goes_to_openpyxl(monkeypatch):
    content = tiny_xlsx(SHEET.format(f'<row r="1">{CELL.format("A1")}{CELL.format("XFD1")}</row>'))
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml")
    for chunk in (1, 2, 3, 5, 7, 16):
        monkeypatch.setattr(workbook, "SCAN_CHUNK_BYTES", chunk)
        assert not workbook._check_package(io.BytesIO(content)), (chunk, sheet)


def _project_rows(district, count):
    return [
        {
            "name": f"项目{n}",
            "district_id": district.pk,
            "owner": "建设单位",
            "content": "内容",
            "total_investment": Decimal("3000.10") + n,
            "start_year": 2016,
            "end_year": 2018,
        }
        for n in range(count)
    ]


PROJECT_COLUMNS = ("name", "district_id", "owner", "content", "total_investment", "start_year", "end_year",
                   "code", "street_id", "unit_id", "sector", "stage", "status")  # fmt: skip
HISTORY_COLUMNS = ("history_type", "history_user_id", "history_change_reason", *PROJECT_COLUMNS)


def test_the_bulk_insert_writes_the_rows_and_history_the_orm_writes(users):
    district, user = _weidong(), users["admin"]
    with transaction.atomic():
        pks = insert_created(Project, _project_rows(district, 3), user=user, reason="导入")
    orm = bulk_create_audited(
        [Project(**{**row, "name": "ORM" + row["name"]}) for row in _project_rows(district, 3)],
        Project,
        user=user,
        reason="导入",
    )
    ours = list(Project.objects.filter(pk__in=pks).order_by("pk").values_list(*PROJECT_COLUMNS))
    theirs = list(Project.objects.filter(pk__in=[p.pk for p in orm]).order_by("pk").values_list(*PROJECT_COLUMNS))
    assert [row[1:] for row in ours] == [row[1:] for row in theirs]
    assert [row[0] for row in ours] == ["项目0", "项目1", "项目2"] and ours[1][4] == Decimal("3001.10")
    history = Project.history.model.objects
    ours_history = list(history.filter(id__in=pks).order_by("id").values_list(*HISTORY_COLUMNS))
    theirs_history = list(history.filter(id__in=[p.pk for p in orm]).order_by("id").values_list(*HISTORY_COLUMNS))
    assert [row[:3] + row[4:] for row in ours_history] == [row[:3] + row[4:] for row in theirs_history]
    assert ours_history[0][:3] == ("+", user.pk, "导入")
    created = Project.objects.get(pk=pks[0])
    assert created.created_at is not None and created.updated_at == created.created_at
    # The next ids go on from these: the database's own counter saw them.
    assert Project.objects.create(name="其后", district=district).pk > max(pks)


def test_a_whole_import_then_again_all_unchanged(users):
    with SAMPLE_LIST.open("rb") as handle:
        record, plan = import_upload(user=users["admin"], upload=File(handle, name="a.xlsx"), year=2016, level="city")
    record.refresh_from_db()  # confirm plans again from the kept preview, as the page does
    import_confirm(user=users["admin"], record=record)
    assert Listing.objects.filter(year=2016).count() == 20
    assert Project.history.model.objects.filter(history_type="+").count() >= 20
    assert Listing.history.model.objects.filter(history_type="+", year=2016).count() == 20
    with SAMPLE_LIST.open("rb") as handle:
        again = import_read(File(handle, name="a.xlsx"), year=2016, level="city", region=record.region)
    assert again.ok and [row.status for row in again.rows] == ["unchanged"] * 20


def test_the_kept_rows_give_back_the_parsed_values_and_an_older_preview_is_refused(users):
    with SAMPLE_LIST.open("rb") as handle:
        record, plan = import_upload(user=users["admin"], upload=File(handle, name="a.xlsx"), year=2016, level="city")
    record.refresh_from_db()
    kept = parsed_list_from(record.summary).rows
    assert [(row.sheet, row.row, row.values) for row in kept] == [(r.sheet, r.row, r.source) for r in plan.rows]
    # A preview stored before the compact table (each row a dict under "parsed") is not applied.
    record.summary = {key: value for key, value in record.summary.items() if key != PARSED_KEY}
    record.summary["parsed"] = [{"sheet": r.sheet, "row": r.row, "values": {}} for r in plan.rows]
    record.save()
    with pytest.raises(ValidationError, match="重新上传并预览"):
        import_confirm(user=users["admin"], record=record)
    assert not Listing.objects.filter(year=2016).exists()
