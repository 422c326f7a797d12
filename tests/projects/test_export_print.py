"""The progress table as it prints: the workbook rendered by LibreOffice headless to PDF, read back
with poppler's pdftotext. Skipped without LibreOffice or poppler-utils, unless KP_BROWSER_REQUIRED=1
(set by .ci/run, which installs them) turns that into a failure."""

import io
import os
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from projects.choices import Body, ProblemStatus
from projects.exporters.progress import write_progress_table
from projects.models import Assignment, Leader, Listing, MonthlyReport, Problem, Project, Region, Unit
from projects.selectors.progress import progress_table

pytestmark = pytest.mark.usefixtures("demo")

REQUIRED = os.environ.get("KP_BROWSER_REQUIRED") == "1"
A3_LANDSCAPE = "1190.55 x 841.89 pts (A3)"

# Long enough to wrap over several lines in every text column; each a distinct sentence, so that
# finding it whole in the PDF proves no line of it was cut off.
LONG = {
    "name": "卫东区示例超长名称项目第一段城市更新与基础设施配套建设工程"
    "第二段老旧小区综合整治及雨污分流改造提升工程第三段收尾",
    "owner": "平顶山市卫东区示例城市建设投资发展集团有限公司第二工程建设管理分公司项目部",
    "content": "新建道路约十二公里，改造雨污管网约二十八公里，"
    "配套建设路灯、绿化、停车场及智慧社区管理平台，总建筑面积约三十五万平方米",
    "progress": "征迁工作已完成百分之九十五，一标段道路基层施工完成，"
    "二标段管网铺设完成百分之六十，三标段正在进行招标前期准备工作",
    "problem": "项目用地指标尚未落实到位，需国土资源部门协调报批；"
    "部分管线迁改涉及多家产权单位，需区政府召开专题会议协调解决",
    "leader": "示例联系领导甲乙丙丁",
    "unit": "卫东区住房和城乡建设局城市更新与基础设施建设管理办公室",
}


def _missing():
    """Why the workbook cannot be rendered here, or None."""
    for tool, package in (("soffice", "libreoffice-calc-nogui"), ("pdftotext", "poppler-utils")):
        if shutil.which(tool) is None:
            return f"{tool} not found (apt-get install {package})"
    return None


@pytest.fixture
def render(tmp_path):
    """render(table) → the PDF LibreOffice prints from the table's workbook."""
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"KP_BROWSER_REQUIRED=1 but {reason}")
        pytest.skip(reason)

    def make(table):
        workbook = tmp_path / "progress.xlsx"
        with workbook.open("wb") as handle:
            write_progress_table(handle, table)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path / 'profile'}",  # a profile of its own: runs in parallel
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return tmp_path / "progress.pdf"

    return make


def page_texts(pdf):
    """Each page's text with all whitespace removed: a cell's text wrapped over several lines reads
    whole again (raw mode keeps each cell's lines together, in the order they were drawn)."""
    pages = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M).group(1))
    return [
        re.sub(r"\s+", "", _run("pdftotext", "-raw", "-f", str(n), "-l", str(n), pdf, "-")) for n in range(1, pages + 1)
    ]


def page_sizes(pdf):
    info = _run("pdfinfo", "-f", "1", "-l", "999", pdf)
    return re.findall(r"^Page\s+\d+ size:\s+(.+)$", info, re.M)


def _run(*command):
    return subprocess.run([str(part) for part in command], check=True, capture_output=True, text=True).stdout


def assert_one_page_wide(pdf):
    """A3 landscape throughout, and every page holds the rightmost column: the header rows repeat
    on each page, so a page without 责任单位 would be the right-hand part of a wider table."""
    sizes = page_sizes(pdf)
    assert sizes and set(sizes) == {A3_LANDSCAPE}, sizes
    assert all("项目名称" in text and "责任单位" in text for text in page_texts(pdf))


def test_every_project_name_prints_whole_on_a_page_one_page_wide(render, users):
    table = progress_table(user=users["admin"], year=2015, month=9, level="city")
    pdf = render(table)
    assert_one_page_wide(pdf)
    printed = "".join(page_texts(pdf))
    weidong = Listing.objects.filter(year=2015, level="city", project__district__code="410403")
    names = list(weidong.values_list("project__name", flat=True))
    assert len(names) == 26
    cut = [name for name in names if re.sub(r"\s+", "", name) not in printed]
    assert not cut, f"cut off in print: {cut}"
    assert "平顶山旭龙再生资源有限公司建筑垃圾再生利用建设项目" in printed
    assert "新建二号井及地面配套设施，设计年产能90万吨" in printed


def test_long_texts_in_every_text_column_wrap_and_print_whole(render, users):
    weidong = Region.objects.get(code="410403")
    unit = Unit.objects.create(name=LONG["unit"], district=weidong)
    project = Project.objects.create(
        name=LONG["name"],
        owner=LONG["owner"],
        content=LONG["content"],
        unit=unit,
        total_investment=Decimal(90000),
        district=weidong,
    )
    listing = Listing.objects.create(
        project=project, year=2015, level="city", category="continuing", annual_plan=Decimal(30000)
    )
    MonthlyReport.objects.create(
        listing=listing, month=9, investment=Decimal(100), progress=LONG["progress"], status="submitted"
    )
    Problem.objects.create(project=project, description=LONG["problem"], raised_on=date(2015, 6, 1))
    leader = Leader.objects.create(region=weidong, name=LONG["leader"], title="示例职务", body=Body.GOVERNMENT)
    Assignment.objects.create(leader=leader, project=project, since=date(2015, 1, 1))
    assert Problem.objects.filter(project=project).exclude(status=ProblemStatus.RESOLVED).exists()

    pdf = render(progress_table(user=users["admin"], year=2015, month=9, level="city"))
    assert_one_page_wide(pdf)
    printed = "".join(page_texts(pdf))
    cut = {column: text for column, text in LONG.items() if text not in printed}
    assert not cut, f"cut off in print: {cut}"


def test_workbook_rows_carry_heights_for_their_wrapped_text(users):
    """LibreOffice keeps an xlsx row's stored height rather than fitting it to wrapped text, so
    each row states the height its longest text needs; a row without wrapped text keeps the default."""
    from openpyxl import load_workbook

    buffer = io.BytesIO()
    write_progress_table(buffer, progress_table(user=users["admin"], year=2015, month=9, level="city"))
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = {row[1].value: row[1].row for row in sheet.iter_rows(min_row=4)}
    long_row = sheet.row_dimensions[rows["平顶山旭龙再生资源有限公司建筑垃圾再生利用建设项目"]]
    assert long_row.customHeight and long_row.height >= 2 * 15
    assert not sheet.row_dimensions[rows["合计"]].customHeight


def test_a_text_longer_than_the_tallest_row_prints_to_a_marked_end(render, users):
    """A row cannot grow past 409 points; a longer text (entered before 形象进度 had its limit, or
    the open problems of a troubled project together) prints cut at a marked end, not clipped unseen."""
    sentences = [f"第{n}段施工内容已经按计划完成并通过验收，下一阶段继续推进。" for n in range(1, 41)]
    project = Project.objects.create(
        name="超长形象进度示例项目", total_investment=Decimal(1000), district=Region.objects.get(code="410403")
    )
    listing = Listing.objects.create(
        project=project, year=2015, level="city", category="continuing", annual_plan=Decimal(500)
    )
    MonthlyReport.objects.create(
        listing=listing, month=9, investment=Decimal(10), progress="".join(sentences), status="submitted"
    )
    for n in range(1, 31):
        Problem.objects.create(
            project=project, description=f"第{n}个待协调问题：需要相关部门会商解决", raised_on=date(2015, 6, 1)
        )

    pdf = render(progress_table(user=users["admin"], year=2015, month=9, level="city"))
    printed = "".join(page_texts(pdf))
    assert "".join(sentences[:5]) in printed and "（全文见系统）" in printed
    assert "第1个待协调问题" in printed and "（其余见问题台账）" in printed
    assert_one_page_wide(pdf)


def test_the_city_table_grouped_by_district_prints_one_page_wide(render, django_user_model):
    city = django_user_model.objects.get(username="city")
    pdf = render(progress_table(user=city, year=2015, month=9, level="city"))
    assert_one_page_wide(pdf)
    printed = re.sub(r"\s+", "", "".join(page_texts(pdf)))
    for district in ("新华区", "卫东区", "湛河区"):
        assert f"{district}小计" in printed
    assert "平顶山市2015年市重点项目建设进展情况表" in printed
