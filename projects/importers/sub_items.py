"""Sub-item rows of a municipal list: the parts a project is broken into ("其中：一期工程", rows
numbered 1.1, （1）, ①), read onto the project above them; they are not projects of their own and
their amounts are in the project's already (importers.municipal)."""

import re
import unicodedata
from decimal import Decimal

from projects.importers.cells import AMOUNT_COLUMNS, COLUMN_LABELS, clean_text, parse_amount

# Circled and bracketed digits (①…⑳, ⑴…⒇, ❶…❿, ➀…➉): NFKC turns most of them into plain digits, a
# project's numbering, so they are looked for in the text as written.
CIRCLED = frozenset(
    chr(code) for start, end in ((0x2460, 0x2487), (0x2776, 0x277F), (0x2780, 0x2789)) for code in range(start, end + 1)
)
# In the 序号 column (after NFKC): (1), 1.1, 1-1, or 其中. A list's own numbering 1, 2, … is a project's
# and （一） a section's: Arabic numerals in brackets are sub-items, Chinese ones sections.
SEQ_RE = re.compile(r"^(?:\(\d{1,3}\)|\d{1,3}[.\-]\d{1,3}|其中:?)$")
# At the start of the name: 其中 (with a colon, a comma, a space or none: 其中一期工程; not 其中心…),
# (1) or 1.1 followed by a space or 、 ("1.5万吨/年…" is a name).
NAME_RE = re.compile(r"^(?:其中(?!心)|\(\s*\d{1,3}\s*\)|\d{1,3}\.\d{1,3}[\s、])")


REFUSED_PROJECT = object()  # stands for a project row refused for want of a name: its sub-items add no error


def _as_typed(value):
    return str(value).strip() if value is not None else ""


def _written(value):
    return unicodedata.normalize("NFKC", _as_typed(value))


def sub_item_marker(seq_value, name_value):
    """Where a row says it is a sub-item: "seq" or "name", or None for any other row."""
    seq, name = _written(seq_value), _written(name_value)
    if _as_typed(seq_value)[:1] in CIRCLED or SEQ_RE.match(seq.replace(" ", "")):
        return "seq"
    if _as_typed(name_value)[:1] in CIRCLED or NAME_RE.match(name):
        return "name"
    return None


def place_sub_item(layout, number, owner, under_total, *, marker, seq, name, amounts):
    """A sub-item row (its marker, 序号 and name cells, and its amount cells by column): kept on the
    project above it (``owner``), never a project; under a 小计/合计 row (``under_total``) a
    breakdown of the total, left with a note; with no project above it, a row error."""
    if owner is REFUSED_PROJECT:
        return
    if owner is None and under_total:
        written = clean_text(name) or clean_text(seq)
        layout.warn(number, "name", f"「{written}」是{under_total}的分项，不是项目，未读取。")
        return
    if owner is None:
        written = clean_text(seq) if marker == "seq" else clean_text(name)
        layout.error(
            number,
            marker,
            f"「{written}」是子项的写法（其中：、1.1、（1）、① 等），但上方没有所属的项目行。"
            "子项应紧接在所属项目之下；若它本身是项目，请用 1、2、3 编号，名称不以「其中」开头。",
        )
        return
    owner.sub_items.append(_read_sub_item(layout, number, seq, name, amounts))


def _read_sub_item(layout, number, seq_value, name_value, amounts):
    """The sub-item of row ``number`` as a dict (its row, label and name as written, total and plan
    in 万元 or None); a bad amount is a row error naming its cell, read by the same rules as a
    project's."""
    item = {"row": number, "label": clean_text(seq_value), "name": clean_text(name_value)}
    for column in AMOUNT_COLUMNS:
        item[column] = None
        value = amounts.get(column)
        if value is None or value == "":
            continue
        try:
            item[column] = parse_amount(value, layout.units[column])
        except ValueError as error:
            layout.error(number, column, f"子项{error}。")
    return item


def finish_project(layout, project):
    """A project's rows are over: warn (not refuse) when its sub-items add up to more than the
    project itself. Returns None: no project above the rows that follow."""
    if project is None or project is REFUSED_PROJECT:
        return None
    for column in AMOUNT_COLUMNS:
        stated = project.values.get(column)
        parts = [item[column] for item in project.sub_items if item[column] is not None]
        if stated is None or not parts:
            continue
        added = sum(parts, Decimal(0))
        if added > stated:
            layout.warn(
                project.row,
                column,
                f"{len(parts)}个子项的{COLUMN_LABELS[column]}合计 {added:,.2f} 万元，"
                f"超过本项目的 {stated:,.2f} 万元，请核对。",
            )
    return None
