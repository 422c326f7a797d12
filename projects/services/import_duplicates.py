"""Rows of an imported list that are one project twice: two rows of the file for one project, or
two rows resolving to one existing project (services.import_plans refuses both, naming the rows)."""

from projects.importers.cells import COLUMN_LABELS, normalize_text
from projects.importers.municipal import RowIssue
from projects.importers.names import name_key


def refuse_duplicate_rows(parsed, matcher, plan, refused_rows):
    """Two rows of the file for one project: the same code, or the same name in one district, as
    matching reads names (importers.names.name_key: 新城花园（三期） is 新城花园三期项目); the same
    name in two districts is two projects."""
    seen = {}
    for row in parsed.rows:
        values = row.values
        if not values.get("name"):
            continue
        if values.get("code"):
            key, column = ("code", values["code"]), "code"
        else:
            district = matcher.district(row)
            if district is None:
                continue
            key, column = ("name", district.pk, name_key(values["name"])), "name"
        first = seen.setdefault(key, row)
        if first is not row:
            written = column == "name" and normalize_text(first.values["name"]) != normalize_text(values["name"])
            how = f"（「{first.values['name']}」与「{values['name']}」只是写法不同）" if written else ""
            plan.errors.append(
                RowIssue(
                    row.sheet,
                    row.row,
                    COLUMN_LABELS[column],
                    f"与「{first.sheet}」第{first.row}行是同一个项目{how}，请删除重复的一行。",
                )
            )
            refused_rows.add((row.sheet, row.row))


def refuse_rows_sharing_a_project(plan):
    """Two rows of the file that resolve to one existing project would both write its listing."""
    seen = {}
    for row in plan.rows:
        if row.project is None:
            continue
        first = seen.setdefault((row.project.pk, row.values["level"]), row)
        if first is not row:
            plan.errors.append(
                RowIssue(
                    row.sheet,
                    row.row,
                    COLUMN_LABELS["name"],
                    f"与「{first.sheet}」第{first.row}行对应同一个已有项目「{row.project.name}」。",
                )
            )
