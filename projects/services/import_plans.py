"""What an import of a municipal list would do, written nowhere: the file read and parsed, each row
given its district (named in the row, or the importing district office's own) among the districts
under the importing office and matched against that district's streets, units, leaders and
projects (services.import_matching), and planned as new, changed (with the field differences) or
unchanged, with its errors in the file's order."""

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from projects.choices import Batch, Category, Level, RegionKind
from projects.importers.cells import COLUMN_LABELS, normalize_text
from projects.importers.hidden import hidden_warnings
from projects.importers.municipal import RowIssue, parse_list
from projects.importers.workbook import WorkbookRefused, read_rows
from projects.models import Listing
from projects.scoping import regions_under
from projects.services.import_duplicates import refuse_duplicate_rows, refuse_rows_sharing_a_project
from projects.services.import_matching import RowMatcher
from projects.services.import_values import jsonable, plain_decimal, row_digest, shown_text, suggestion_dict

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
STATUS_LABELS = {NEW: "新增", CHANGED: "有变化", UNCHANGED: "无变化"}
PROJECT_FIELDS = ["code", "owner", "content", "street", "unit", "total_investment", "start_year", "end_year"]
LISTING_FIELDS = ["batch", "category", "annual_plan"]
FIELD_LABELS = {
    "name": "项目名称",
    "district": "所在县区",
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
    suggestion: object = None  # an existing project proposed under another name (import_matching.Suggestion)
    sub_items: list = field(default_factory=list)  # the parsed row's sub-items: shown, never written

    def unfilled(self):
        """The shown fields the file left empty (the row then takes a default or keeps what the
        office has): the preview marks them 未填."""
        source = self.source
        empty = {
            "street": not source.get("location"),
            "batch": not source.get("batch_stated", True),
            "total_investment": source.get("total") is None,
            "annual_plan": source.get("plan") is None,
        }
        return [name for name, is_empty in empty.items() if is_empty]

    def as_dict(self):
        return {
            "sheet": self.sheet,
            "row": self.row,
            "name": self.name,
            "status": self.status,
            "district": self.values["district"].name,
            "street": shown_text(self.values["street"]),
            "category": _display("category", self.values["category"]),
            "batch": _display("batch", self.values["batch"]),
            "total_investment": shown_text(self.values["total_investment"]),
            "annual_plan": shown_text(self.values["annual_plan"]),
            "unfilled": self.unfilled(),
            "changes": [[FIELD_LABELS[f], old, new] for f, old, new in self.changes],
            "suggestion": suggestion_dict(self) if self.suggestion is not None else None,
            "sub_items": [
                {**item, "total": shown_text(item["total"]), "plan": shown_text(item["plan"])}
                for item in self.sub_items
            ],
        }


@dataclass
class ImportPlan:
    year: int
    level: str
    region: object = None  # the importing office's node: rows go to districts under it
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    subtotals: list = field(default_factory=list)
    units_to_create: list = field(default_factory=list)  # (district, name), one per normalised name

    @property
    def ok(self):
        return not self.errors

    @property
    def new_units(self):
        """The units the import will create, as the preview names them: with their district when
        the office has several."""
        if self.region is not None and self.region.kind == RegionKind.DISTRICT:
            return [name for _, name in self.units_to_create]
        return [f"{name}（{district.name}）" for district, name in self.units_to_create]

    @property
    def suggestions(self):
        """The rows with a proposed match (RowPlan.suggestion), in the file's order."""
        return [row for row in self.rows if row.suggestion is not None]

    @property
    def undecided(self):
        """The proposed matches the admin has neither accepted nor rejected."""
        return [row for row in self.suggestions if row.suggestion.decision is None]

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
        """What confirming will do, as a fingerprint: the data and the database as previewed (rows
        by their ids and values, named objects by id, amounts by value whatever their places)."""
        canonical = [row_digest(row) for row in self.rows]
        units = [(district.code, name) for district, name in self.units_to_create]
        region = self.region.code if self.region is not None else None
        proposed = [
            (row.sheet, row.row, row.suggestion.project.pk, row.suggestion.decision) for row in self.suggestions
        ]
        # The level as text: a command's default is the Level member, a kept record's its value.
        payload = repr((self.year, str(self.level), region, canonical, units, proposed))
        return hashlib.sha256(payload.encode()).hexdigest()

    def districts(self):
        """The districts the planned rows go to, in code order."""
        return sorted({row.values["district"] for row in self.rows}, key=lambda district: district.code)

    def parsed_rows(self):
        """The file's rows as parsed, kept with the preview so that confirming need not read the
        file again (the file is kept too, and its digest recorded): a table of the values by the
        columns all rows have, [sheet, row, [value, …]] for each row (parsed_list_from), and the
        rows' sub-items (shown again when the admin's answers plan the preview anew)."""
        columns = list(self.rows[0].source) if self.rows else []
        rows, sub_items = [], []
        for row in self.rows:
            source = row.source
            if list(source) == columns:
                rows.append([row.sheet, row.row, [jsonable(value) for value in source.values()]])
            else:  # a row with other values keeps them by name
                rows.append([row.sheet, row.row, {key: jsonable(value) for key, value in source.items()}])
            if row.sub_items:
                items = [{key: jsonable(value) for key, value in item.items()} for item in row.sub_items]
                sub_items.append([row.sheet, row.row, items])
        return {"columns": columns, "rows": rows, "sub_items": sub_items}

    def summary(self):
        return {
            "projects": len(self.rows),
            "created": self.count(NEW),
            "updated": self.count(CHANGED),
            "unchanged": self.count(UNCHANGED),
            "total_investment": plain_decimal(self.total_investment),
            "annual_plan": plain_decimal(self.annual_plan),
            "by_category": [
                [label, n, plain_decimal(t), plain_decimal(p)]
                for label, n, t, p in self.totals_by("category", Category.choices)
            ],
            "by_batch": [
                [label, n, plain_decimal(t), plain_decimal(p)]
                for label, n, t, p in self.totals_by("batch", Batch.choices)
            ],
            "by_district": [
                [label, n, plain_decimal(t), plain_decimal(p)]
                for label, n, t, p in self.totals_by("district", [(d, d.name) for d in self.districts()])
            ],
            "subtotals": [
                {
                    "sheet": s.sheet,
                    "row": s.row,
                    "label": s.label,
                    "column": s.column,
                    "stated": plain_decimal(s.stated),
                    "computed": plain_decimal(s.computed),
                    "ok": s.ok,
                }
                for s in self.subtotals
            ],  # fmt: skip
            "new_units": self.new_units,
            "suggested_matches": [suggestion_dict(row) for row in self.suggestions],
            "errors": [error.as_dict() for error in self.errors],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "rows": [row.as_dict() for row in self.rows],
        }


def import_read(upload, *, year, level, region):
    """Parse ``upload`` and plan its import by the office of ``region``, writing nothing."""
    plan = ImportPlan(year=year, level=level, region=region)
    if level not in Level.values:
        plan.errors.append(RowIssue("", 0, "", f"级别必须是 {' / '.join(Level.values)} 之一。"))
        return plan
    try:
        sheets = read_rows(upload)
    except WorkbookRefused as refused:
        plan.errors.append(RowIssue(getattr(upload, "name", "文件") or "文件", 0, "", str(refused)))
        return plan
    plan = plan_parsed(parse_list(sheets, default_level=level, year=year), plan)
    plan.warnings.extend(hidden_warnings(sheets))  # rows and columns hidden in the file, imported as usual
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


def plan_parsed(parsed, plan, decisions=None):
    """Plan the parsed rows of a file against the database as it is now, writing nothing: every row
    goes to a district under ``plan.region`` and touches nothing outside it. ``decisions`` are the
    admin's answers to the proposed matches ({(sheet, row): project id accepted, or 0})."""
    year = plan.year
    plan.errors.extend(parsed.errors)
    plan.warnings.extend(parsed.warnings)
    plan.subtotals = parsed.subtotals
    if plan.region is None:
        plan.errors.append(RowIssue("", 0, "", "未指定导入清单的项目办。"))
        return plan
    matcher = RowMatcher(parsed.rows, plan.region, decisions)
    listings = {
        (listing.project_id, listing.level): listing
        for listing in Listing.objects.filter(year=year, project__district__in=regions_under(plan.region.pk)).only(
            "pk", "project_id", "level", *LISTING_FIELDS
        )
    }
    new_units = {}
    refused_rows = {(error.sheet, error.row) for error in parsed.errors}
    refuse_duplicate_rows(parsed, matcher, plan, refused_rows)
    for row in parsed.rows:
        plan_row = _plan_row(row, matcher, listings, new_units, plan, refused_rows)
        if plan_row is not None:
            plan.rows.append(plan_row)
    plan.units_to_create = [
        new_units[key] for key in sorted(new_units, key=lambda key: (new_units[key][0].code, key[1]))
    ]
    refuse_rows_sharing_a_project(plan)
    if not parsed.rows and not plan.errors:
        plan.errors.append(RowIssue("", 0, "", "文件中没有找到项目行。"))
    return plan


def _plan_row(row, matcher, listings, new_units, plan, refused_rows):
    values = row.values

    def refuse(column, message):
        plan.errors.append(RowIssue(row.sheet, row.row, COLUMN_LABELS[column], message))
        refused_rows.add((row.sheet, row.row))

    district = matcher.district(row)
    if district is None:
        refuse(*matcher.district_problem(row))
        return None
    street = matcher.street(row, district, refuse)
    unit = None
    if values["unit"]:
        unit = matcher.unit(district, values["unit"])
        if unit is None:
            new_units.setdefault((district.pk, normalize_text(values["unit"])), (district, values["unit"]))
    leader = None
    if values["leader"]:
        found = matcher.leaders_named(district, values["leader"])
        if len(found) == 1:
            leader = found[0]
        else:
            reason = "有重名" if found else "不在领导名单中"
            plan.warnings.append(
                RowIssue(
                    row.sheet, row.row, COLUMN_LABELS["leader"], f"联系领导「{values['leader']}」{reason}，未安排联系。"
                )
            )
    project, problem = matcher.project(row)
    if problem:
        refuse("code", problem)
    if (row.sheet, row.row) in refused_rows:
        return None
    wanted = {
        "name": values["name"],
        "code": values["code"],
        "owner": values["owner"],
        "content": values["content"],
        "district": district,
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
        suggestion=matcher.suggestions.get((row.sheet, row.row)),
        sub_items=row.sub_items,
    )
    if _renamed(project, values["name"], plan.year, matcher):
        plan_row.changes.append(("name", project.name, values["name"]))  # the old name is kept (former_names)
    if project is not None:
        for name in PROJECT_FIELDS:
            new = wanted[name]
            if name == "unit" and new is None and values["unit"]:
                new_text = values["unit"]  # a unit to be created
                if project.unit is None or normalize_text(project.unit.name) != normalize_text(new_text):
                    plan_row.changes.append((name, shown_text(project.unit), new_text))
                continue
            if new in (None, ""):
                continue  # an empty cell never erases what the office already has
            old = getattr(project, name)
            if old != new:
                plan_row.changes.append((name, shown_text(old), shown_text(new)))
    if listing is not None:
        for name in LISTING_FIELDS:
            if getattr(listing, name) != wanted[name]:
                plan_row.changes.append((name, _display(name, getattr(listing, name)), _display(name, wanted[name])))
    if leader is not None and (project is None or (project.pk, leader.pk) not in matcher.assigned):
        plan_row.changes.append(("leader", "", str(leader)))
    if project is not None and listing is not None:
        plan_row.status = CHANGED if plan_row.changes else UNCHANGED
    return plan_row


def _renamed(project, name, year, matcher):
    """Whether the row renames its project: it names it otherwise (beyond width and spaces) on a
    list of its latest year or later; an earlier year's list (re-imported to correct a figure)
    finds it by its former name and leaves its name as it is."""
    if project is None or normalize_text(project.name) == normalize_text(name):
        return False
    latest = matcher.latest_years.get(project.pk)
    return latest is None or year >= latest


def _display(name, value):
    if name == "category":
        return Category(value).label if value else ""
    if name == "batch":
        return Batch(value).label if value else ""
    return shown_text(value)
