"""The bulletin in Word: the demo's figures read back from the rendered .docx with python-docx, the
fonts every used style names, the page-number field, and (with LibreOffice) the PDF it prints."""

import io
import os
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from bulletins.documents import DEFAULT_TEMPLATE, render_docx, render_template, template_context
from bulletins.selectors.drafts import bulletin_draft
from projects.models import Region
from projects.selectors.dashboard import overview
from projects.selectors.progress import progress_table

REQUIRED = os.environ.get("KP_BROWSER_REQUIRED") == "1"


def demo_content(user, **extra):
    draft = bulletin_draft(user=user, year=2015, month=9, level="city")
    return {**draft.as_dict(), "next_steps": "", "notes": "", **extra}


@pytest.fixture
def weidong(users):
    return Region.objects.get(code="410403")


@pytest.fixture
def demo_docx(users, weidong):
    content = demo_content(
        users["admin"], next_steps="加快征迁进度。\n\n督促滞后项目挂图作战。", notes="本期数据截至9月30日。"
    )
    data = render_docx(content, number=9, issued_on=date(2015, 10, 20), office=weidong)
    return Document(io.BytesIO(data))


def texts(document):
    return [paragraph.text for paragraph in document.paragraphs]


def table_rows(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_demo_bulletin_reads_the_seed_figures(demo_docx):
    body = "\n".join(texts(demo_docx))
    assert "26个市重点项目" in body
    assert "41.17亿元" in body
    assert "93.58%" in body
    assert "超过时间进度18.58个百分点" in body


def test_the_first_tables_total_row_is_the_overviews_and_the_progress_tables(demo_docx, users):
    admin = users["admin"]
    summary = overview(user=admin, year=2015, month=9, level="city").summary
    table = progress_table(user=admin, year=2015, month=9, level="city")
    rows = table_rows(demo_docx.tables[0])
    assert rows[0] == ["类别", "项目数", "年度计划（万元）", "累计完成（万元）", "占年度计划"]
    total = next(row for row in rows if row[0] == "合计")
    assert total == ["合计", "26", "439,950.00", "411,700.00", "93.58%"]
    assert total[2] == f"{summary.annual_plan:,.2f}" == f"{table.summary.annual_plan:,.2f}"
    assert total[3] == f"{summary.cumulative:,.2f}" == f"{table.summary.cumulative:,.2f}"


def test_the_header_names_office_issue_and_date_and_each_section_its_title(demo_docx):
    paragraphs = texts(demo_docx)
    assert paragraphs[0] == "卫东区重点项目建设工作领导小组办公室"
    assert paragraphs[1] == "第9期"
    assert paragraphs[2] == "卫东区重点项目建设工作领导小组办公室\t2015年10月20日"
    assert paragraphs[3] == "卫东区2015年1-9月市重点项目建设进展情况通报"
    headings = [p.text for p in demo_docx.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、总体情况",
        "二、开工和竣工",
        "三、各街道、各责任单位",
        "四、滞后项目",
        "五、问题解决",
        "六、前期手续",
        "七、下步工作",
        "备注",
    ]
    # The next steps, line by line, under 下步工作; the notes under 备注; no tag is left behind.
    after = paragraphs[paragraphs.index("七、下步工作") + 1 :]
    assert after == ["加快征迁进度。", "督促滞后项目挂图作战。", "备注", "本期数据截至9月30日。"]
    assert not any("{%" in text or "{{" in text for text in paragraphs)


def test_every_section_table_is_rendered_with_its_own_columns(demo_docx, users):
    draft = bulletin_draft(user=users["admin"], year=2015, month=9, level="city")
    expected = [table for section in draft.as_dict()["sections"] for table in section["tables"]]
    assert [table_rows(table) for table in demo_docx.tables] == [
        [table["headers"], *table["rows"]] for table in expected
    ]
    # Columns sized to their texts: the lagging table's project names get more room than its lights.
    lagging = next(t for t in demo_docx.tables if t.rows[0].cells[0].text == "预警")
    widths = [int(column.get(qn("w:w"))) for column in lagging._tbl.tblGrid]
    assert widths[1] > widths[0] * 2


def test_a_draft_without_number_says_so_and_text_is_escaped(users):
    content = demo_content(users["admin"], next_steps="A&B <协调> 会", notes="")
    document = Document(io.BytesIO(render_docx(content)))
    paragraphs = texts(document)
    assert paragraphs[1] == "（草稿）"
    assert paragraphs[0] == "卫东区重点项目建设工作领导小组办公室"
    assert "A&B <协调> 会" in paragraphs
    assert "备注" not in paragraphs


def east_asian_font(style):
    """The east-Asian font ``style`` names, looking up its base styles as Word does."""
    while style is not None:
        rpr = style.element.rPr
        fonts = rpr.rFonts if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def test_every_style_the_document_uses_names_its_east_asian_font(demo_docx):
    used = {"Normal"} | {p.style.name for p in demo_docx.paragraphs}  # Normal: every style's base
    used |= {p.style.name for t in demo_docx.tables for row in t.rows for c in row.cells for p in c.paragraphs}
    used |= {p.style.name for p in demo_docx.sections[0].footer.paragraphs}
    assert {"Title", "Heading 1", "Body Text", "表格文字", "表头", "红头", "Footer"} <= used
    fonts = {}
    for name in used:
        style = demo_docx.styles[name]
        # Named on the style itself, not only inherited, and never a theme font.
        rfonts = style.element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")), name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name
        fonts[name] = east_asian_font(style)
    assert fonts["Normal"] == fonts["Body Text"] == "仿宋_GB2312"
    assert fonts["Title"] == fonts["红头"] == "方正小标宋简体"
    assert fonts["Heading 1"] == "黑体"
    defaults = demo_docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # Word and WPS take the fallback font the font table names where the first is not installed.
    font_table = parse_xml(demo_docx.part.part_related_by(RT.FONT_TABLE).blob)
    fallbacks = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in font_table.iter(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert fallbacks["方正小标宋简体"] == "黑体"
    assert fallbacks["仿宋_GB2312"] == "仿宋"


def test_a4_portrait_with_page_numbers_in_the_footer(demo_docx):
    section = demo_docx.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.cm, 1) == 3.7 and round(section.left_margin.cm, 1) == 2.8
    footer = section.footer.paragraphs[0]._p
    instructions = [text.text.strip() for text in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert [c.get(qn("w:fldCharType")) for c in footer.iter(qn("w:fldChar"))] == ["begin", "separate", "end"]


def test_the_default_template_is_what_make_default_builds(tmp_path, monkeypatch):
    """The committed default.docx is the script's output: its document part matches a fresh build."""
    from bulletins.docx import make_default

    monkeypatch.setattr(make_default, "OUTPUT", tmp_path / "fresh.docx")
    fresh = Document(make_default.build())
    committed = Document(DEFAULT_TEMPLATE)
    assert [p.text for p in fresh.paragraphs] == [p.text for p in committed.paragraphs]
    assert [p.style.name for p in fresh.paragraphs] == [p.style.name for p in committed.paragraphs]


def test_render_template_renders_any_context_through_the_given_template(users):
    context = template_context(demo_content(users["admin"]), number=3, office="某某办公室")
    document = Document(io.BytesIO(render_template(DEFAULT_TEMPLATE, context)))
    assert texts(document)[:2] == ["某某办公室", "第3期"]


# --- printed through LibreOffice ---


def _missing():
    for tool, package in (("soffice", "libreoffice-writer-nogui"), ("pdftotext", "poppler-utils")):
        if shutil.which(tool) is None:
            return f"{tool} not found (apt-get install {package})"
    return None


def test_the_demo_bulletin_prints_its_chinese_text(users, weidong, tmp_path):
    reason = _missing()
    if reason:
        if REQUIRED:
            pytest.fail(f"KP_BROWSER_REQUIRED=1 but {reason}")
        pytest.skip(reason)
    content = demo_content(users["admin"], next_steps="加快征迁进度。")
    path = tmp_path / "bulletin.docx"
    path.write_bytes(render_docx(content, number=9, issued_on=date(2015, 10, 20), office=weidong))
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "bulletin.pdf"
    if not pdf.exists() and not REQUIRED and b"no export filter" in result.stderr + result.stdout:
        pytest.skip("LibreOffice Writer not installed (apt-get install libreoffice-writer-nogui)")
    assert pdf.exists(), result.stderr.decode(errors="replace")
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    for expected in (
        "卫东区重点项目建设工作领导小组办公室",
        "第9期",
        "2015年10月20日",
        "26个市重点项目",
        "41.17亿元",
        "超过时间进度18.58个百分点",
        "联审联批事项53项，已办结52项，完成率98.1%",
        "七、下步工作",
        "加快征迁进度。",
        "—1—",
    ):
        assert expected in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "pts (A4)" in info, info
    assert "Title:           卫东区2015年1-9月市重点项目建设进展情况通报" in info
    shutil.copy(pdf, os.environ.get("KP_BULLETIN_PDF", tmp_path / "kept.pdf"))  # to look at by hand
