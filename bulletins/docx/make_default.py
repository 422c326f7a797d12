"""Build the default bulletin template (bulletins/docx/default.docx) with python-docx.

Run by hand after changing the look, and commit the .docx it writes:

    .venv/bin/python bulletins/docx/make_default.py

The template is a docxtpl template (Jinja tags in a Word document) with the look of a government
document (GB/T 9704 公文格式): A4 portrait, margins 3.7/3.5/2.8/2.6 cm, a red header naming the
issuing office, 第N期 and the date over a red rule, the title in 方正小标宋简体 (falling back to 黑体),
the body in 仿宋_GB2312 (falling back to 仿宋) at 三号, section headings in 黑体, tables in 仿宋 at
小四, and "— N —" page numbers in the footer. Every style it uses names its east-Asian font
explicitly (w:rFonts w:eastAsia), so Chinese never falls back to a Latin font. The variables it
uses are those bulletins.documents.template_context gives (see bulletins/docx/README.md).
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "default.docx"

RED = RGBColor(0xFF, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)
LATIN = "Times New Roman"

# The fonts the styles name, each with the font Word and WPS take when it is not installed
# (fontTable.xml w:altName) and its charset (86: GB2312).
FONTS = {
    "方正小标宋简体": "黑体",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "黑体": "SimHei",
    "仿宋": "宋体",
    "宋体": "SimSun",
}


def set_fonts(style, east_asia, *, size, latin=LATIN, bold=False, color=BLACK):
    """Name every font slot of ``style`` explicitly (no theme fonts), the east-Asian one above all."""
    font = style.font
    font.name = latin  # w:ascii and w:hAnsi
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    color_element = rpr.find(qn("w:color"))
    if color_element is not None:
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color_element.attrib.pop(qn(theme), None)


def set_spacing(style, *, before=0, after=0, line=None, first_line_chars=None, align=None):
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(before)
    paragraph.space_after = Pt(after)
    if line is not None:
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.line_spacing = Pt(line)
    if align is not None:
        paragraph.alignment = align
    if first_line_chars is not None:
        # Two characters' indent (首行缩进2字符), measured in characters so it follows the font size.
        # w:firstLine (twips, at the style's size) for readers that do not know w:firstLineChars.
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(first_line_chars * style.font.size.pt * 20)))
    paragraph.keep_with_next = False


def paragraph_style(document, name, base="Normal"):
    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if style.name != "Normal":
        style.base_style = styles[base]
        style.quick_style = True
    return style


def build_styles(document):
    styles = document.styles
    # Document defaults: Chinese language and fonts, so even unstyled text is Chinese-first.
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    fonts.set(qn("w:cs"), LATIN)
    lang = defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        defaults.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")

    normal = styles["Normal"]
    set_fonts(normal, "仿宋_GB2312", size=16)
    set_spacing(normal, line=28, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    body = paragraph_style(document, "Body Text")
    set_fonts(body, "仿宋_GB2312", size=16)
    set_spacing(body, line=28, first_line_chars=2, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    title = paragraph_style(document, "Title")
    set_fonts(title, "方正小标宋简体", size=22)
    set_spacing(title, before=12, after=18, line=33, align=WD_ALIGN_PARAGRAPH.CENTER)
    border = title.element.get_or_add_pPr().find(qn("w:pBdr"))  # python-docx's Title has a blue rule
    if border is not None:
        border.getparent().remove(border)

    heading1 = paragraph_style(document, "Heading 1")
    set_fonts(heading1, "黑体", size=16)
    set_spacing(heading1, before=6, after=0, line=28, first_line_chars=2, align=WD_ALIGN_PARAGRAPH.LEFT)
    heading1.paragraph_format.keep_with_next = True

    heading2 = paragraph_style(document, "Heading 2")
    set_fonts(heading2, "楷体_GB2312", size=16)
    set_spacing(heading2, line=28, first_line_chars=2, align=WD_ALIGN_PARAGRAPH.LEFT)
    heading2.paragraph_format.keep_with_next = True

    masthead = paragraph_style(document, "红头")
    set_fonts(masthead, "方正小标宋简体", size=22, color=RED)
    set_spacing(masthead, before=0, after=6, align=WD_ALIGN_PARAGRAPH.CENTER)

    issue = paragraph_style(document, "期号")
    set_fonts(issue, "仿宋_GB2312", size=16)
    set_spacing(issue, after=6, align=WD_ALIGN_PARAGRAPH.CENTER)

    issuer = paragraph_style(document, "发文机关")
    set_fonts(issuer, "仿宋_GB2312", size=16)
    set_spacing(issuer, after=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    red_rule(issuer)

    table_text = paragraph_style(document, "表格文字")
    set_fonts(table_text, "仿宋_GB2312", size=12)
    set_spacing(table_text, line=18, align=WD_ALIGN_PARAGRAPH.CENTER)

    table_head = paragraph_style(document, "表头", base="表格文字")
    set_fonts(table_head, "黑体", size=12)

    footer = paragraph_style(document, "Footer")
    set_fonts(footer, "宋体", size=14)
    set_spacing(footer, align=WD_ALIGN_PARAGRAPH.CENTER)
    header = paragraph_style(document, "Header")
    set_fonts(header, "宋体", size=9)

    # A template-tag paragraph ({%p for %}) vanishes when rendered; in the template it is small.
    tags = paragraph_style(document, "模板标记")
    set_fonts(tags, "宋体", size=9, color=RGBColor(0x80, 0x80, 0x80))
    set_spacing(tags)


def red_rule(style):
    """The red rule under the issuing office and date (版头中的分隔线)."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "FF0000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    # A right tab at the text's edge puts the date flush right on the office's line.
    style.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), WD_TAB_ALIGNMENT.RIGHT)


def font_table(document):
    """Declare the fonts with their fallbacks (w:altName) and the GB2312 charset."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    from docx.oxml import parse_xml

    root = parse_xml(part.blob)
    for name, alternative in FONTS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), alternative)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if name != "方正小标宋简体" else "script")
        pitch = OxmlElement("w:pitch")
        pitch.set(qn("w:val"), "fixed" if name != "方正小标宋简体" else "default")
        for child in (alt, charset, family, pitch):
            font.append(child)
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def page_setup(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.add_run("— ")
    page_field(footer)
    footer.add_run(" —")


def page_field(paragraph):
    """A PAGE field (the page number), as Word writes it: begin, instruction, separate, result, end."""

    def char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instruction = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instruction._r.append(text)
    char("separate")
    paragraph.add_run("1")
    char("end")


def tag(document, text):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): it is removed when rendered."""
    return document.add_paragraph(text, style="模板标记")


def data_table(document):
    """The table each section's tables are rendered into: a header row whose cells repeat over the
    headers ({%tc %}), and a body row repeated over the rows ({%tr %}) whose cells repeat over the
    row's texts. The bulletin's renderer sizes the columns to their contents afterwards."""
    table = document.add_table(rows=5, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid(table)
    cells = [
        ["{%tc for header in table.headers %}", "{{ header }}", "{%tc endfor %}"],
        ["{%tr for row in table.rows %}", "", ""],
        ["{%tc for text in row %}", "{{ text }}", "{%tc endfor %}"],
        ["{%tr endfor %}", "", ""],
        ["", "", ""],
    ]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.text = text
            paragraph.style = document.styles["表头" if r == 0 else "表格文字"]
    # The last row is only there so that the table does not end on a tag row (Word needs a row).
    table._tbl.remove(table.rows[4]._tr)
    head = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")  # the header row repeats on every page
    head.append(header)
    return table


def grid(table):
    """Single black borders on every cell, the full text width."""
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
        borders.append(element)
    tbl_pr.append(borders)


def build():
    document = Document()
    # python-docx's blank document carries a thumbnail of other text: drop it.
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    build_styles(document)
    font_table(document)
    page_setup(document)

    document.add_paragraph("{{ office }}", style="红头")
    document.add_paragraph("{% if number %}第{{ number }}期{% else %}（草稿）{% endif %}", style="期号")
    document.add_paragraph("{{ office }}\t{{ issued_on }}", style="发文机关")
    document.add_paragraph("{{ title }}", style="Title")

    tag(document, "{%p for section in sections %}")
    document.add_paragraph("{{ section.title }}", style="Heading 1")
    tag(document, "{%p for text in section.paragraphs %}")
    document.add_paragraph("{{ text }}", style="Body Text")
    tag(document, "{%p endfor %}")
    tag(document, "{%p for table in section.tables %}")
    data_table(document)
    tag(document, "{%p endfor %}")
    tag(document, "{%p endfor %}")

    tag(document, "{%p if notes %}")
    document.add_paragraph("备注", style="Heading 1")
    tag(document, "{%p for text in notes %}")
    document.add_paragraph("{{ text }}", style="Body Text")
    tag(document, "{%p endfor %}")
    tag(document, "{%p endif %}")

    core = document.core_properties
    core.title, core.author, core.comments = "重点项目建设进展情况通报（默认模板）", "", ""
    core.keywords, core.subject, core.category, core.last_modified_by = "", "", "", ""
    core.revision = 1
    document.save(OUTPUT)
    return OUTPUT


if __name__ == "__main__":
    print(f"已生成：{build()}")
