"""The bulletin as a Word document (.docx), rendered through a docxtpl template (Jinja tags in a
Word document): the office's active BulletinTemplate, or the default one shipped in
bulletins/docx/default.docx (built by bulletins/docx/make_default.py).

Templates are rendered in Jinja's sandbox with undefined names refused, so an office's template
can neither reach into Python nor silently print nothing where it misspelled a field. The fields
a template may use are template_context's (bulletins/docx/README.md lists them).
"""

import io
from datetime import date
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bulletins.selectors.templates import active_template
from projects import clock

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "docx" / "default.docx"

# A column is sized by its longest text, between these many half-width characters; its header
# counts up to _HEADER (a long header wraps rather than widen a column of short figures).
_MIN_COLUMN, _MAX_COLUMN, _HEADER = 5, 28, 8


def issuing_office(region):
    """The issuing office printed in the red header: "卫东区重点项目建设工作领导小组办公室"."""
    return f"{region.name}重点项目建设工作领导小组办公室"


def date_text(day):
    """2015-10-20 → "2015年10月20日" (no leading zeros, as documents write dates)."""
    return f"{day.year}年{day.month}月{day.day}日"


def lines(text):
    """Multi-line text typed by the office → its non-blank lines, each a paragraph."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def template_context(content, *, number=None, issued_on=None, office=None):
    """What a template sees: the draft's fields (title, place, year, month, level_label, sections
    with key, title, paragraphs, tables of headers and rows, editable), the 下步工作 section holding
    the office's next steps as paragraphs, and number, issued_on (text), office, notes (paragraphs),
    next_steps (paragraphs)."""
    next_steps = lines(content.get("next_steps"))
    sections = []
    for section in content["sections"]:
        section = dict(section)
        if section["key"] == "next":
            section["paragraphs"] = [*section["paragraphs"], *next_steps]
        sections.append(section)
    if office is not None and not isinstance(office, str):
        office = issuing_office(office)
    return {
        "title": content["title"],
        "place": content.get("place", ""),
        "year": content.get("year"),
        "month": content.get("month"),
        "level_label": content.get("level_label", ""),
        "sections": sections,
        "next_steps": next_steps,
        "notes": lines(content.get("notes")),
        "number": number,
        "issued_on": date_text(issued_on or clock.today()),
        "office": office or f"{content.get('place', '')}重点项目建设工作领导小组办公室",
    }


def sample_context():
    """A bulletin with every field filled (a table, next steps, notes, a number): what an uploaded
    template must render before it is accepted."""
    table = {
        "headers": ["类别", "项目数", "年度计划（万元）"],
        "rows": [["续建", "2", "1,000.00"], ["合计", "2", "1,000.00"]],
    }
    content = {
        "year": 2015,
        "month": 9,
        "level": "city",
        "level_label": "市重点",
        "place": "示例区",
        "title": "示例区2015年1-9月市重点项目建设进展情况通报",
        "sections": [
            {
                "key": "general",
                "title": "一、总体情况",
                "paragraphs": ["示例文字。"],
                "tables": [table],
                "editable": False,
            },
            {"key": "next", "title": "六、下步工作", "paragraphs": [], "tables": [], "editable": True},
        ],
        "figures": {},
        "next_steps": "示例下步工作。",
        "notes": "示例备注。",
    }
    return template_context(
        content, number=1, issued_on=date(2015, 10, 20), office="示例区重点项目建设工作领导小组办公室"
    )


def jinja_environment():
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def render_template(source, context):
    """Render the template ``source`` (a path, a binary file or a DocxTemplate) with ``context`` →
    .docx bytes. Jinja's errors (TemplateSyntaxError, UndefinedError, SecurityError) propagate."""
    template = source if isinstance(source, DocxTemplate) else DocxTemplate(source)
    template.render(context, jinja_env=jinja_environment(), autoescape=True)
    _size_columns(template.docx, context)
    template.docx.core_properties.title = context["title"]
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def render_office_docx(content, *, office, number=None, issued_on=None):
    """``content`` in the office's own template (its active upload, else the default) under its
    formal name: what the issue service stores and the draft downloads send."""
    return render_docx(content, number=number, issued_on=issued_on, office=office, template=active_template(office))


def render_docx(content, *, number=None, issued_on=None, office=None, template=None):
    """``content`` (BulletinDraft.as_dict(), with "next_steps" and "notes") as .docx bytes.

    ``number`` is the issue's 第N期 (None for a draft), ``issued_on`` its date (today's for a
    draft), ``office`` the issuing office's name (a Region gives issuing_office(region); None
    derives it from the draft's place), ``template`` the office's BulletinTemplate (None: the
    default template)."""
    context = template_context(content, number=number, issued_on=issued_on, office=office)
    if template is None:
        return render_template(DEFAULT_TEMPLATE, context)
    with template.file.open("rb") as handle:
        return render_template(io.BytesIO(handle.read()), context)


def _width(text):
    """Display width in half-width characters: a Chinese character counts two."""
    return sum(1 if ord(char) < 0x2E80 else 2 for char in text)


def _size_columns(document, context):
    """Give each of the draft's tables column widths in proportion to their texts (docxtpl's column
    loops leave them all equal). A table is the draft's when its first row reads as one of the
    draft's header rows; any other table of the office's template is left as it was drawn."""
    tables = {}
    for section in context["sections"]:
        for table in section["tables"]:
            tables.setdefault(tuple(table["headers"]), table)
    for grid_table in document.tables:
        if not grid_table.rows:
            continue
        headers = tuple(cell.text for cell in grid_table.rows[0].cells)
        table = tables.get(headers)
        if table is None:
            continue
        weights = [
            max(_MIN_COLUMN, min(_width(column[0]), _HEADER), *(min(_width(str(t)), _MAX_COLUMN) for t in column[1:]))
            for column in zip(table["headers"], *table["rows"], strict=False)
        ]
        section = document.sections[-1]
        total = int(section.page_width - section.left_margin - section.right_margin)
        widths = [Length(total * weight // sum(weights)) for weight in weights]
        tbl = grid_table._tbl
        grid = tbl.tblGrid
        for column in list(grid):
            grid.remove(column)
        for width in widths:
            column = OxmlElement("w:gridCol")
            column.set(qn("w:w"), str(width.twips))
            grid.append(column)
        for row in grid_table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = width
        layout = tbl.tblPr.find(qn("w:tblLayout"))
        if layout is None:
            layout = OxmlElement("w:tblLayout")
            tbl.tblPr.append(layout)
        layout.set(qn("w:type"), "fixed")
