"""The bulletin as a Word document (.docx).

PLACEHOLDER while the template-based rendering (docxtpl, the office's own template) is built:
render_docx's signature is the contract the issue service and the command call.
"""

import io

from docx import Document


def render_docx(content, *, number=None, issued_on=None, office=None, template=None):
    """``content`` (BulletinDraft.as_dict(), with "next_steps" and "notes") as .docx bytes."""
    document = Document()
    document.add_heading(content["title"], level=1)
    if number:
        document.add_paragraph(f"第{number}期")
    for section in content["sections"]:
        document.add_heading(section["title"], level=2)
        for paragraph in section["paragraphs"]:
            document.add_paragraph(paragraph)
        if section["key"] == "next" and content.get("next_steps"):
            document.add_paragraph(content["next_steps"])
        for table in section["tables"]:
            grid = document.add_table(rows=1, cols=len(table["headers"]))
            for cell, text in zip(grid.rows[0].cells, table["headers"], strict=True):
                cell.text = text
            for row in table["rows"]:
                for cell, text in zip(grid.add_row().cells, row, strict=True):
                    cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
