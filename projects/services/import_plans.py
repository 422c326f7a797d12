"""What an import of a municipal list would do, written nowhere: the file read and parsed, each row
matched against the district's streets, units, leaders and projects, and planned as new, changed
(with the field differences) or unchanged, with its errors in the file's order."""

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from projects.choices import Batch, Category, Level
from projects.importers.cells import COLUMN_LABELS, normalize_text
from projects.importers.municipal import ParsedList, ParsedRow, RowIssue, parse_list
from projects.importers.workbook import WorkbookRefused, read_rows
from projects.models import Assignment, Leader, Listing, Project, Street, Unit

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
STATUS_LABELS = {NEW: "新增", CHANGED: "有变化", UNCHANGED: "无变化"}
PROJECT_FIELDS = ["code", "owner", "content", "street", "unit", "total_investment", "start_year", "end_year"]
LISTING_FIELDS = ["batch", "category", "annual_plan"]
FIELD_LABELS = {
    "code": "项目代码",
    "owner": "建设单位",
    "content": "建设内容及规模",
    "street": "所在街道",
    "unit": "责任单位",
    "total_investment": "总投资（万元）",
    "start_year": "开工年份",
    "end_year": "建成年份",
    "batch": "批次",
    "category": "类别",
    "annual_plan": "年度计划投资（万元）",
    "leader": "联系领导",
}


@dataclass
class RowPlan:
    sheet: str
    row: int
    name: str
    status: str
    values: dict  # model field → value to set (the project's and the listing's)
    project: object = None
    listing: object = None
    changes: list = field(default_factory=list)  # (field, old text, new text)
    unit_name: str = ""
    leader: object = None
    source: dict = field(default_factory=dict)  # the parsed row's values, as read from the file

    def as_dict(self):
        return {
            "sheet": self.sheet,
            "row": self.row,
            "name": self.name,
            "status": self.status,
            "changes": [[FIELD_LABELS[f], old, new] for f, old, new in self.changes],
        }


@dataclass
class ImportPlan:
    year: int
    level: str
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    subtotals: list = field(default_factory=list)
    new_units: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def count(self, status):
        return sum(1 for row in self.rows if row.status == status)

    @property
    def total_investment(self):
        return sum((row.values["total_investment"] or Decimal(0) for row in self.rows), Decimal(0))

    @property
    def annual_plan(self):
        return sum((row.values["annual_plan"] or Decimal(0) for row in self.rows), Decimal(0))

    def totals_by(self, key, labels):
        groups = OrderedDict((value, [label, 0, Decimal(0), Decimal(0)]) for value, label in labels)
        for row in self.rows:
            group = groups.setdefault(row.values[key], [str(row.values[key]), 0, Decimal(0), Decimal(0)])
            group[1] += 1
            group[2] += row.values["total_investment"] or Decimal(0)
            group[3] += row.values["annual_plan"] or Decimal(0)
        return [tuple(group) for group in groups.values() if group[1]]

    def digest(self):
        """What confirming will do, as a fingerprint: the data and the database as previewed."""
        canonical = [
            [
                row.sheet,
                row.row,
                row.status,
                row.project.pk if row.project else None,
                row.listing.pk if row.listing else None,
            ]
            + [[f, old, new] for f, old, new in row.changes]
            + [[k, _text(v)] for k, v in sorted(row.values.items())]
            for row in self.rows
        ]
        payload = json.dumps([self.year, self.level, canonical, self.new_units], ensure_ascii=False, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def parsed_rows(self):
        """The file's rows as parsed, kept with the preview so that confirming need not read the
        file again (the file is kept too, and its digest recorded)."""
        return [{"sheet": row.sheet, "row": row.row, "values": _jsonable(row.source)} for row in self.rows]

    def summary(self):
        return {
            "projects": len(self.rows),
            "created": self.count(NEW),
            "updated": self.count(CHANGED),
            "unchanged": self.count(UNCHANGED),
            "total_investment": _decimal(self.total_investment),
            "annual_plan": _decimal(self.annual_plan),
            "by_category": [
                [label, n, _decimal(t), _decimal(p)] for label, n, t, p in self.totals_by("category", Category.choices)
            ],
            "by_batch": [
                [label, n, _decimal(t), _decimal(p)] for label, n, t, p in self.totals_by("batch", Batch.choices)
            ],
            "subtotals": [
                {
                    "sheet": s.sheet,
                    "row": s.row,
                    "label": s.label,
                    "column": s.column,
                    "stated": _decimal(s.stated),
                    "computed": _decimal(s.computed),
                    "ok": s.ok,
                }
                for s in self.subtotals
            ],  # fmt: skip
            "new_units": self.new_units,
            "errors": [error.as_dict() for error in self.errors],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "rows": [row.as_dict() for row in self.rows],
        }


def _jsonable(values):
    return {key: _decimal(value) if isinstance(value, Decimal) else value for key, value in values.items()}


def _from_json(values):
    return {
        key: Decimal(value) if key in ("total", "plan") and value is not None else value
        for key, value in values.items()
    }


def _decimal(value):
    """Decimal as plain text without an exponent or trailing zeros: 2758000, 12.5."""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(value):
    """A value as the preview shows it: amounts without trailing zeros, objects by their name."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return _decimal(value)
    return str(value)


class _Resolver:
    """Matches names in the file to the district's streets, units, leaders and projects.

    Every project's name and code are read as plain values; only the projects the file names
    are loaded as objects (a province holds tens of thousands)."""

    def __init__(self, rows):
        self.streets = list(Street.objects.all())
        self.street_keys = [(normalize_text(street.name), street) for street in self.streets]
        self.units = {normalize_text(unit.name): unit for unit in Unit.objects.all()}
        self.leaders = {}
        for leader in Leader.objects.filter(is_active=True):
            self.leaders.setdefault(normalize_text(leader.name), []).append(leader)
        self.assigned = set(Assignment.objects.filter(active=True).values_list("project_id", "leader_id"))
        self.by_code, self.by_name = {}, {}
        for pk, code, name in Project.objects.values_list("pk", "code", "name"):  # in name order
            if code:
                self.by_code[code] = pk
            self.by_name.setdefault(normalize_text(name), pk)
        wanted = {self._project_id(row.values) for row in rows} - {None}
        self.projects = Project.objects.select_related("street", "unit").in_bulk(wanted)

    def streets_in(self, text):
        """The streets a location names: by full name, else by name without 街道."""
        key = normalize_text(text)
        matches = [street for name, street in self.street_keys if name in key]
        if not matches:
            matches = [street for name, street in self.street_keys if name.removesuffix("街道") in key]
        return matches

    def _project_id(self, values):
        if values.get("code") and values["code"] in self.by_code:
            return self.by_code[values["code"]]
        return self.by_name.get(normalize_text(values["name"]))

    def project(self, values):
        return self.projects.get(self._project_id(values))


def import_read(upload, *, year, level):
    """Parse ``upload`` and plan the import against the database, writing nothing."""
    plan = ImportPlan(year=year, level=level)
    if level not in Level.values:
        plan.errors.append(RowIssue("", 0, "", f"级别必须是 {' / '.join(Level.values)} 之一。"))
        return plan
    try:
        sheets = read_rows(upload)
    except WorkbookRefused as refused:
        plan.errors.append(RowIssue(getattr(upload, "name", "文件") or "文件", 0, "", str(refused)))
        return plan
    plan = plan_parsed(parse_list(sheets, default_level=level, year=year), plan)
    _in_file_order(plan, [sheet.title for sheet in sheets])
    return plan


COLUMN_ORDER = {label: position for position, label in enumerate(COLUMN_LABELS.values())}


def _in_file_order(plan, titles):
    """Errors and warnings as the file has them: by sheet, then row, then column (they are found
    in several passes: reading each sheet, then across sheets, then against the database)."""
    positions = {title: position for position, title in enumerate(titles)}

    def key(problem):
        return positions.get(problem.sheet, -1), problem.row, COLUMN_ORDER.get(problem.column, -1)

    plan.errors.sort(key=key)
    plan.warnings.sort(key=key)


def plan_parsed(parsed, plan):
    """Plan the parsed rows of a file against the database as it is now, writing nothing."""
    year = plan.year
    plan.errors.extend(parsed.errors)
    plan.warnings.extend(parsed.warnings)
    plan.subtotals = parsed.subtotals
    resolver = _Resolver(parsed.rows)
    listings = {
        (listing.project_id, listing.level): listing
        for listing in Listing.objects.filter(year=year).only("pk", "project_id", "level", *LISTING_FIELDS)
    }
    new_units = {}
    refused_rows = {(error.sheet, error.row) for error in parsed.errors}
    for row in parsed.rows:
        plan_row = _plan_row(row, resolver, listings, new_units, plan, refused_rows)
        if plan_row is not None:
            plan.rows.append(plan_row)
    plan.new_units = sorted(new_units.values())
    _refuse_rows_sharing_a_project(plan)
    if not parsed.rows and not plan.errors:
        plan.errors.append(RowIssue("", 0, "", "文件中没有找到项目行。"))
    return plan


def _refuse_rows_sharing_a_project(plan):
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


def _plan_row(row, resolver, listings, new_units, plan, refused_rows):
    values = row.values
    streets = resolver.streets_in(values["location"]) if values["location"] else []
    street = streets[0] if len(streets) == 1 else None
    if len(streets) > 1:
        names = "、".join(s.name for s in streets)
        plan.errors.append(
            RowIssue(
                row.sheet,
                row.row,
                COLUMN_LABELS["location"],
                f"「{values['location']}」涉及多个街道（{names}），请只填一个所在街道。",
            )
        )
        refused_rows.add((row.sheet, row.row))
    elif street is None:
        known = "、".join(s.name for s in resolver.streets)
        what = f"未知街道「{values['location']}」" if values["location"] else "缺少建设地点（所在街道）"
        plan.errors.append(RowIssue(row.sheet, row.row, COLUMN_LABELS["location"], f"{what}。已知街道：{known}。"))
        refused_rows.add((row.sheet, row.row))
    unit = None
    if values["unit"]:
        unit = resolver.units.get(normalize_text(values["unit"]))
        if unit is None:
            new_units.setdefault(normalize_text(values["unit"]), values["unit"])
    leader = None
    if values["leader"]:
        found = resolver.leaders.get(normalize_text(values["leader"]), [])
        if len(found) == 1:
            leader = found[0]
        else:
            reason = "有重名" if found else "不在领导名单中"
            plan.warnings.append(
                RowIssue(
                    row.sheet, row.row, COLUMN_LABELS["leader"], f"联系领导「{values['leader']}」{reason}，未安排联系。"
                )
            )
    if (row.sheet, row.row) in refused_rows:
        return None
    wanted = {
        "name": values["name"],
        "code": values["code"],
        "owner": values["owner"],
        "content": values["content"],
        "street": street,
        "unit": unit,
        "total_investment": values["total"],
        "start_year": values["start_year"],
        "end_year": values["end_year"],
        "batch": values["batch"],
        "category": values["category"],
        "annual_plan": values["plan"],
        "level": values["level"],
    }
    project = resolver.project(values)
    listing = listings.get((project.pk, values["level"])) if project else None
    plan_row = RowPlan(
        row.sheet,
        row.row,
        values["name"],
        NEW,
        wanted,
        project,
        listing,
        unit_name=values["unit"],
        leader=leader,
        source=dict(values),
    )
    if project is not None:
        for name in PROJECT_FIELDS:
            new = wanted[name]
            if name == "unit" and new is None and values["unit"]:
                new_text = values["unit"]  # a unit to be created
                if project.unit is None or normalize_text(project.unit.name) != normalize_text(new_text):
                    plan_row.changes.append((name, _text(project.unit), new_text))
                continue
            if new in (None, ""):
                continue  # an empty cell never erases what the office already has
            old = getattr(project, name)
            if old != new:
                plan_row.changes.append((name, _text(old), _text(new)))
    if listing is not None:
        for name in LISTING_FIELDS:
            if getattr(listing, name) != wanted[name]:
                plan_row.changes.append((name, _display(name, getattr(listing, name)), _display(name, wanted[name])))
    if leader is not None and (project is None or (project.pk, leader.pk) not in resolver.assigned):
        plan_row.changes.append(("leader", "", str(leader)))
    if project is not None and listing is not None:
        plan_row.status = CHANGED if plan_row.changes else UNCHANGED
    return plan_row


def _display(name, value):
    if name == "category":
        return Category(value).label if value else ""
    if name == "batch":
        return Batch(value).label if value else ""
    return _text(value)


def parsed_list_from(summary):
    """The rows a preview parsed, as kept in its record's summary: confirming plans them again
    without reading the file a second time."""
    return ParsedList(
        rows=[
            ParsedRow(sheet=item["sheet"], row=item["row"], values=_from_json(item["values"]))
            for item in (summary or {}).get("parsed", [])
        ]
    )
