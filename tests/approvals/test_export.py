"""前期手续推进表.xlsx: the board's items in the office's layout, its totals equal to the page's."""

import io
from datetime import date
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.approvals.helpers import LAND
from tests.approvals.test_board import BOARD, department, items  # noqa: F401 (fixture)

# Each test builds its own approvals on the demo's projects.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_demo_approvals")]
EXPORT = reverse("approvals:export")


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def cells(sheet):
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def totals_line(rows):
    (line,) = [row for row in rows if row[1] == "合计"]
    return line


def test_the_export_has_the_official_layout_and_the_pages_totals(items, client_for):  # noqa: F811
    client = client_for("admin")
    params = {"year": 2015, "month": 9}
    page = client.get(BOARD, params).context["total"]
    response = client.get(EXPORT, params)
    filename = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert filename == "卫东区2015年前期手续推进表（截至9月）.xlsx"
    sheet = workbook(response)
    rows = cells(sheet)
    assert rows[0][0] == "卫东区2015年前期手续推进表（截至9月）"
    assert rows[1][0] == "事项单位：项" and rows[1][-1].startswith("制表日期：")
    assert rows[2][:4] == ["序号", "事项名称", "办理部门", "法定时限（工作日）"]
    assert sheet.print_title_rows == "$1:$3" and sheet.freeze_panes == "C4"
    assert sheet.page_setup.orientation == "landscape"
    # One row per item, under its project's line.
    item_rows = [row for row in rows[3:] if isinstance(row[0], int)]
    assert len(item_rows) == 6
    project_lines = [row[0] for row in rows[3:] if isinstance(row[0], str)]
    assert len(project_lines) == 3 and project_lines[0].startswith("一、")
    late = [row for row in item_rows if row[1] == "用地预审"][0]
    assert late[2] == LAND and late[6].date() == date(2015, 9, 25)
    assert late[9] == "办理中" and late[10] == "红灯（已超期）"
    line = totals_line(rows)
    assert (line[3], line[5]) == (page.counted, page.done) == (2, 1)
    assert f"{line[7] * 100:.1f}%" == page.rate == "50.0%"
    assert line[8] == f"超期未办结{page.red}项，临期{page.yellow}项"


def test_the_filtered_export_equals_the_filtered_page(items, client_for):  # noqa: F811
    client = client_for("admin")
    params = {"year": 2015, "month": 10, "department": department(LAND).pk}
    page = client.get(BOARD, params).context["total"]
    rows = cells(workbook(client.get(EXPORT, params)))
    assert len([row for row in rows[3:] if isinstance(row[0], int)]) == 2
    line = totals_line(rows)
    assert (line[3], line[5]) == (page.counted, page.done) == (2, 0)


def test_a_staff_users_export_is_named_for_their_part(items, client_for):  # noqa: F811
    response = client_for("staff_a").get(EXPORT, {"year": 2015, "month": 9})
    filename = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert filename == "卫东区北环路街道2015年前期手续推进表（截至9月）.xlsx"
    rows = cells(workbook(response))
    assert len([row for row in rows[3:] if isinstance(row[0], int)]) == 2


def test_a_bad_filter_sends_no_file(items, client_for):  # noqa: F811
    response = client_for("admin").get(EXPORT, {"year": 2015, "department": "abc"})
    assert response.status_code == 302 and response["Location"] == BOARD
