"""The list importer's formats besides .xlsx (.xls, .ods, told by their bytes), the refusals that
come with each, and the rows and columns hidden in a file. .xls and .ods files are made from .xlsx
ones by LibreOffice (skipped without it, unless KP_BROWSER_REQUIRED=1, as CI runs)."""

import contextlib
import io
import json
import struct
import warnings
import zipfile
from urllib.parse import quote

import olefile
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from projects.choices import ImportStatus
from projects.models import ImportRecord, Listing
from projects.services.imports import import_confirm, import_upload
from tests.conftest import SAMPLE_LIST
from tests.projects.test_import import HEADER, assert_refused_within_bounds, messages, read, table_counts

pytestmark = pytest.mark.usefixtures("demo")

EXPECTED = json.loads((SAMPLE_LIST.parent / "municipal-list-2016.expected.json").read_text())


# --- The sample in each format ---------------------------------------------------------------------


def sample_as(convert, extension):
    content = SAMPLE_LIST.read_bytes()
    return content if extension == "xlsx" else convert(content, extension)


def written_rows():
    return sorted(
        (
            listing.project.name,
            listing.project.total_investment,
            listing.annual_plan,
            listing.category,
            listing.level,
            listing.project.district_id,
        )
        for listing in Listing.objects.filter(year=2016).select_related("project")
    )


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_the_sample_saved_as_xls_or_ods_imports_exactly_as_the_xlsx(users, convert, extension):
    content = sample_as(convert, extension)
    assert content[:4] != b"PK\x03\x04" if extension == "xls" else content[:4] == b"PK\x03\x04"
    original = read(SimpleUploadedFile("2016.xlsx", SAMPLE_LIST.read_bytes()), year=2016)
    plan = read(SimpleUploadedFile(f"2016.{extension}", content), year=2016)
    assert plan.ok and messages(plan) == [] and plan.warnings == []
    assert plan.summary() == original.summary()
    assert plan.parsed_rows() == original.parsed_rows()
    summary = plan.summary()
    assert (summary["projects"], summary["total_investment"], summary["annual_plan"]) == (
        EXPECTED["projects"],
        EXPECTED["total_investment"],
        EXPECTED["annual_plan"],
    )
    assert {label: n for label, n, *_ in summary["by_category"] if n} == EXPECTED["by_category"]

    record, _ = import_upload(
        user=users["admin"], upload=SimpleUploadedFile(f"2016.{extension}", content), year=2016, level="city"
    )
    import_confirm(user=users["admin"], record=record)
    written = written_rows()
    assert len(written) == 20
    # Again in its own format, then as the .xlsx: nothing to change, so the rows written are the .xlsx's.
    before = table_counts()
    for name, data in ((f"again.{extension}", content), ("again.xlsx", SAMPLE_LIST.read_bytes())):
        record, _ = import_upload(user=users["admin"], upload=SimpleUploadedFile(name, data), year=2016, level="city")
        assert (record.created, record.updated, record.unchanged) == (0, 0, 20), name
    assert written_rows() == written
    before["projects.ImportRecord"] += 2
    assert table_counts() == before


def test_the_command_imports_an_ods(convert, tmp_path):
    path = tmp_path / "2016名单.ods"
    path.write_bytes(sample_as(convert, "ods"))
    out = io.StringIO()
    call_command("import_projects", str(path), "--year", "2016", "--region", "410403", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["created"] == 20 and result["errors"] == []
    assert Listing.objects.filter(year=2016).count() == 20


def test_libreoffice_empty_trailing_repeats_are_read_without_building_them(convert):
    content = sample_as(convert, "ods")
    xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml")
    assert b'table:number-rows-repeated="1048' in xml and b'table:number-columns-repeated="163' in xml
    plan = read(SimpleUploadedFile("2016.ods", content), year=2016)
    assert plan.ok and len(plan.rows) == 20


# --- Hidden rows and columns -------------------------------------------------------------------------


def hidden_rows_workbook():
    """Rows 7 and 9–11 hidden by hand, row 12 by an autofilter; columns C (with data) and J (empty)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "2017年"
    for row in (["卫东区2017年市重点项目名单"], ["单位：万元"], HEADER, ["一、续建项目"]):
        sheet.append(row)
    for number in range(1, 11):
        sheet.append([number, f"隐藏测试项目{number}", "示例公司", "内容", "北环路街道", "2017-2018", 1000, 300])
    for row in (7, 9, 10, 11, 12):
        sheet.row_dimensions[row].hidden = True
    sheet.auto_filter.ref = "A3:H14"
    sheet.auto_filter.add_filter_column(1, ["隐藏测试项目1"])
    sheet.column_dimensions["C"].hidden = True
    sheet.column_dimensions["J"].hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("extension", ["xlsx", "xls", "ods"])
def test_hidden_rows_and_columns_are_imported_and_reported(convert, extension):
    content = hidden_rows_workbook()
    if extension != "xlsx":
        content = convert(content, extension)
    plan = read(SimpleUploadedFile(f"hidden.{extension}", content))
    assert plan.ok and messages(plan) == []
    assert [row.name for row in plan.rows] == [f"隐藏测试项目{n}" for n in range(1, 11)]
    assert [str(warning) for warning in plan.warnings] == [
        "「2017年」：第7、9–12行在文件中被隐藏，已照常导入，请核对。",
        "「2017年」：第C列在文件中被隐藏，其中的内容已照常导入，请核对。",
    ]


def test_a_file_with_nothing_hidden_has_no_such_warning():
    workbook = Workbook()
    sheet = workbook.active
    for row in (HEADER + ["类别"], [1, "可见项目", "示例公司", "内容", "北环路街道", "2017", 100, 10, "续建"]):
        sheet.append(row)
    sheet.row_dimensions[5].hidden = True  # hidden, but empty: nothing to report
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = read(SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert plan.ok and plan.warnings == []


# --- Refusals -------------------------------------------------------------------------------------------


def test_a_wps_et_file_is_refused_by_its_name_whatever_it_holds():
    plan = read(SimpleUploadedFile("清单.et", SAMPLE_LIST.read_bytes()), year=2016)
    assert not plan.ok and "WPS" in messages(plan)[0] and "另存为" in messages(plan)[0]


@pytest.mark.parametrize(
    "name, content",
    [
        ("清单.xls", "序号,项目名称\n1,某项目\n".encode("gbk")),
        ("清单.ods", "序号\t项目名称\n1\t某项目\n".encode()),
        ("清单.txt", b"\xd0\xcf\x11"),  # the start of OLE2's signature, and no more
    ],
)
def test_a_renamed_text_file_is_refused_naming_the_accepted_formats(name, content):
    plan = read(SimpleUploadedFile(name, content))
    assert not plan.ok and "只能导入 .xlsx、.xls、.ods 格式" in messages(plan)[0], messages(plan)


def test_an_ole2_file_without_a_workbook_is_refused(convert):
    plan = read(SimpleUploadedFile("x.xls", ole2_with_stream_renamed(convert, "Document")))
    assert not plan.ok and "不是 Excel 工作簿" in messages(plan)[0]


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_a_truncated_file_is_refused(convert, extension):
    content = sample_as(convert, extension)
    plan = read(SimpleUploadedFile(f"x.{extension}", content[: len(content) // 2]), year=2016)
    assert not plan.ok and "损坏" in messages(plan)[0], messages(plan)


# --- Hostile files -----------------------------------------------------------------------------------


ODS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content'
    b' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    b"<office:body><office:spreadsheet>"
)
ODS_TAIL = b"</office:spreadsheet></office:body></office:document-content>"
ENTITY_DECLARATION = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'


@contextlib.contextmanager
def ods_package(buffer):
    """An .ods zip being written to ``buffer``, its stored mimetype first, as office programs write it."""
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            zipfile.ZipInfo("mimetype"),
            b"application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        yield package


def ods_bytes(tables, *, content=None):
    buffer = io.BytesIO()
    with ods_package(buffer) as package:
        package.writestr("content.xml", content if content is not None else ODS_HEAD + tables + ODS_TAIL)
    return buffer.getvalue()


def ods_cell(value, extra=b""):
    return b'<table:table-cell office:value-type="float" office:value="%d"%s><text:p>%d</text:p></table:table-cell>' % (
        value,
        extra,
        value,
    )


def ods_table(rows):
    return b'<table:table table:name="S">' + rows + b"</table:table>"


def ods_zip_bomb():
    buffer = io.BytesIO()
    with ods_package(buffer) as package:
        with package.open("content.xml", "w") as part:
            part.write(ODS_HEAD)
            for _ in range(70):
                part.write(b" " * (1024 * 1024))
            part.write(ODS_TAIL)
    return buffer.getvalue()


def ods_with_two_contents():
    """A harmless content.xml and, under the same name, a million repeated data rows."""
    buffer = io.BytesIO(ods_bytes(ods_table(b"<table:table-row>" + ods_cell(1) + b"</table:table-row>")))
    hostile = b'<table:table-row table:number-rows-repeated="1000000">' + ods_cell(1) + b"</table:table-row>"
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "a") as package:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the point
        package.writestr("content.xml", ODS_HEAD + ods_table(hostile) + ODS_TAIL)
    return buffer.getvalue()


def ole2_with_stream_renamed(convert, name):
    """The sample .xls with its Workbook stream renamed (a name of eight letters, as Workbook's) in
    the OLE2 directory: like a Word file, it has no workbook."""
    content = bytearray(sample_as(convert, "xls"))
    position = content.find("Workbook".encode("utf-16-le") + b"\0\0")
    assert position > 0 and len(name) == 8
    content[position : position + 16] = name.encode("utf-16-le")
    return bytes(content)


def patched_xls(tmp_path, convert, patch):
    """The sample .xls with its Workbook stream's records changed by ``patch(kind, body) → (kind,
    body)`` (each record keeps its size, so olefile can write the stream back in place)."""
    path = tmp_path / "patched.xls"
    path.write_bytes(sample_as(convert, "xls"))
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        position = 0
        while position + 4 <= len(data):
            kind, size = struct.unpack_from("<HH", data, position)
            kind, body = patch(kind, bytes(data[position + 4 : position + 4 + size]))
            data[position : position + 4 + size] = struct.pack("<HH", kind, size) + body
            position += 4 + size
        ole.write_stream("Workbook", bytes(data))
    return path.read_bytes()


def far_cell(kind, body):
    """Every number cell (NUMBER, RK) moved to row 65,536, column 60,001 (calamine would build a
    grid of 65,536 × 60,001 cells: it asks for 125 GB, and the process aborts)."""
    return kind, struct.pack("<HH", 65535, 60000) + body[4:] if kind in (0x0203, 0x027E) else body


def absurd_dimensions(kind, body):
    return kind, struct.pack("<IIHH", 0, 65536, 0, 256) + body[12:] if kind == 0x0200 else body


def inverted_dimensions(kind, body):
    """The sheet's size stated with its last row before its first: calamine would take the
    difference as some four billion rows, ask for 1.5 TB and abort the process."""
    return kind, struct.pack("<IIHH", 100, 50, 0, 9) + body[12:] if kind == 0x0200 else body


def password(kind, body):
    """WRITEACCESS (who saved the file) made a FILEPASS of the same size: the stream is encrypted."""
    return (0x002F if kind == 0x005C else kind), body


HOSTILE = {
    "an .xls with a cell at column 60,001": (
        lambda tmp, convert: patched_xls(tmp, convert, far_cell),
        "x.xls",
        "数据范围异常庞大",
    ),
    "an .xls whose sheet's size is stated backwards": (
        lambda tmp, convert: patched_xls(tmp, convert, inverted_dimensions),
        "x.xls",
        "损坏",
    ),
    "an .xls with a password": (lambda tmp, convert: patched_xls(tmp, convert, password), "x.xls", "加密"),
    "an .xls whose sheet claims 65,536 × 256 cells": (
        lambda tmp, convert: patched_xls(tmp, convert, absurd_dimensions),
        "x.xls",
        "数据范围异常庞大",
    ),
    "a corrupt OLE2 file": (lambda tmp, convert: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 4000, "x.xls", "损坏"),
    "an .ods with a data row repeated a million times": (
        lambda tmp, convert: ods_bytes(
            ods_table(b'<table:table-row table:number-rows-repeated="1000000">' + ods_cell(1) + b"</table:table-row>")
        ),
        "x.ods",
        "超过 20,000 行",
    ),
    "an .ods with a data cell repeated across 16,384 columns in 100 rows": (
        lambda tmp, convert: ods_bytes(
            ods_table(
                b'<table:table-row table:number-rows-repeated="100">'
                + ods_cell(1, b' table:number-columns-repeated="16384"')
                + b"</table:table-row>"
            )
        ),
        "x.ods",
        "数据范围异常庞大",
    ),
    "an .ods with a data row after a million empty ones": (
        lambda tmp, convert: ods_bytes(
            ods_table(
                b"<table:table-row>"
                + ods_cell(1)
                + b'</table:table-row><table:table-row table:number-rows-repeated="1000000">'
                b"<table:table-cell/></table:table-row><table:table-row>" + ods_cell(2) + b"</table:table-row>"
            )
        ),
        "x.ods",
        "超过 20,000 行",
    ),
    "an .ods with 300 million repeated spaces": (
        lambda tmp, convert: ods_bytes(
            ods_table(
                b'<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="300000000"/>'
                b"</text:p></table:table-cell></table:table-row>"
            )
        ),
        "x.ods",
        "重复的空格",
    ),
    "an .ods zip bomb": (lambda tmp, convert: ods_zip_bomb(), "x.ods", "异常庞大"),
    "an .ods with an entity declaration": (
        lambda tmp, convert: ods_bytes(
            b"", content=b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + ODS_HEAD
        ),
        "x.ods",
        "不安全的 XML",
    ),
    "an .ods with two content.xml": (lambda tmp, convert: ods_with_two_contents(), "x.ods", "重复的部件"),
    "an .ods with more than 20 sheets": (
        lambda tmp, convert: ods_bytes(b"".join(ods_table(b"") for _ in range(21))),
        "x.ods",
        "21 个工作表",
    ),
}


@pytest.mark.usefixtures("calamine_must_not_open")
@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_xls_and_ods_files_are_refused_quickly_before_calamine_opens_them(users, kind, tmp_path, convert):
    make, name, expected = HOSTILE[kind]
    assert_refused_within_bounds(users["admin"], kind, SimpleUploadedFile(name, make(tmp_path, convert)), expected)


def test_a_file_calamine_panics_on_is_refused_not_an_error(users, convert, tmp_path):
    # A defined name (Lbl) whose formula is longer than its record: calamine's Rust panics, which
    # reaches Python as pyo3's PanicException, a BaseException that no `except Exception` catches.
    content = patched_xls(tmp_path, convert, lambda kind, body: (0x0018 if kind == 0x005C else kind, body))
    record, plan = import_upload(
        user=users["admin"], upload=SimpleUploadedFile("x.xls", content), year=2016, level="city"
    )
    assert not plan.ok and record.status == ImportStatus.REFUSED
    assert messages(plan) == ["「x.xls」：文件已损坏，无法读取。请重新导出后再试。"]


# --- The pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extension, content_type",
    [("xls", "application/vnd.ms-excel"), ("ods", "application/vnd.oasis.opendocument.spreadsheet")],
)
def test_upload_of_an_xls_or_ods_in_the_pages_and_its_kept_file(client_for, convert, extension, content_type):
    client = client_for("admin")
    page = client.get(reverse("projects:import_list")).content.decode()
    assert ".xlsx,.xls,.ods," in page and "application/vnd.ms-excel" in page and "WPS" in page
    content = sample_as(convert, extension)
    response = client.post(
        reverse("projects:import_list"),
        # Named .xlsx by the user: the kept file is what its bytes are.
        {"year": 2016, "level": "city", "file": SimpleUploadedFile("2016名单.xlsx", content)},
        follow=True,
    )
    html = response.content.decode()
    assert "请核对预览" in html and "高皇智能制造基地" in html and "2,758,000.00" in html
    record = response.context["record"]
    assert record.file.name.endswith(f".{extension}")
    download = client.get(reverse("projects:import_file", args=[record.pk]))
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('2016名单.' + extension)}"
    assert b"".join(download.streaming_content) == content
    done = client.post(reverse("projects:import_confirm", args=[record.pk]), follow=True).content.decode()
    assert "已导入：新增 20 个" in done
    assert ImportRecord.objects.get(pk=record.pk).status == ImportStatus.APPLIED
