"""Importing a municipal key-project list: preview first (the plan, services.import_plans; nothing
written but the record of the upload), then confirm, which applies exactly what was previewed in
one transaction, or nothing at all.

An import is made by an office: a district's, a city's or a province's 项目办 (an admin's own; the
operator, or the command, names one). Its rows go only to districts under that office's node."""

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.roles import is_office_admin
from projects import clock
from projects.choices import ImportStatus, UnitKind
from projects.freshness import data_changed
from projects.importers.cells import normalize_text
from projects.importers.formats import kept_extension
from projects.models import (
    Assignment,
    ImportRecord,
    Listing,
    Project,
    Unit,
)
from projects.services.audit import bulk_create_audited
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.import_plans import (
    CHANGED,
    LISTING_FIELDS,
    NEW,
    PROJECT_FIELDS,
    UNCHANGED,
    ImportPlan,
    import_read,
    plan_parsed,
)
from projects.services.import_values import PARSED_KEY, parsed_list_from
from projects.services.import_writes import insert_created
from projects.services.locks import lock_list_import
from projects.services.offices import acting_office


def _store(upload, user, year, level, plan):
    upload.seek(0)
    content = upload.read()
    record = ImportRecord(
        original_name=(getattr(upload, "name", "") or "清单.xlsx")[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        region=plan.region,
        year=year,
        level=level,
        status=ImportStatus.PREVIEWED if plan.ok else ImportStatus.REFUSED,
        uploaded_by=user,
        plan_digest=plan.digest() if plan.ok else "",
        created=plan.count(NEW),
        updated=plan.count(CHANGED),
        unchanged=plan.count(UNCHANGED),
        error_count=len(plan.errors),
        summary={**plan.summary(), PARSED_KEY: plan.parsed_rows() if plan.ok else {}},
    )
    if plan.ok:  # a refused file is not kept: its errors, in the summary, are what is shown
        record.file.save(f"list{kept_extension(content)}", ContentFile(content), save=False)
    record.save()
    return record


def _check_admin(user):
    if user is not None and not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以导入清单。")


def import_office(*, user, region=None):
    """The office an import is made by (services.offices.acting_office)."""
    return acting_office(user=user, region=region, doing="导入清单")


def import_upload(*, user, upload, year, level, region=None):
    """Keep the file, preview it for the importing office (import_office) and record the preview;
    nothing else is written."""
    office = import_office(user=user, region=region)
    plan = import_read(upload, year=year, level=level, region=office)
    return _store(upload, user, year, level, plan), plan


def import_confirm(*, user, record):
    """Apply a previewed import exactly as previewed, in one transaction, or refuse it whole.

    Confirms run one at a time (services.locks), and each plans again inside its transaction: a
    second preview of the same list, confirmed at the same moment, sees what the first wrote and
    is refused instead of creating every project a second time."""
    _check_admin(user)
    if user is not None and not ImportRecord.objects.visible_to(user).filter(pk=record.pk).exists():
        raise PermissionDenied("该导入不在本项目办管理范围内。")
    if record.region_id is None:
        raise ValidationError("该导入没有记录是哪个项目办导入的，请重新上传并预览后再确认。")
    if record.status != ImportStatus.PREVIEWED:
        raise ValidationError(f"该导入当前为「{record.get_status_display()}」，不能再确认。")
    parsed = parsed_list_from(record.summary)
    decisions = match_decisions(record.summary)
    try:
        with transaction.atomic():
            lock_list_import()
            # Without the summary: ``parsed`` is read from it above, and decoding it again is costly.
            locked = ImportRecord.objects.select_for_update().defer("summary").get(pk=record.pk)
            if locked.status != ImportStatus.PREVIEWED:
                raise ValidationError("该导入已被确认过。")
            if locked.plan_digest != record.plan_digest:  # answers saved since this record was read
                raise ValidationError("预览之后匹配选择已有修改，请刷新页面、核对后再确认。")
            # Planned again against the database as it is now: the digest shows whether that is
            # still exactly what was previewed (someone may have changed or imported in between).
            plan = plan_parsed(
                parsed, ImportPlan(year=record.year, level=record.level, region=locked.region), decisions
            )
            if not plan.ok or plan.digest() != record.plan_digest:
                raise ValidationError(_changed_since_preview(plan))
            if plan.undecided:
                raise ValidationError(
                    f"还有 {len(plan.undecided)} 条「可能是同一项目」的匹配建议未确认：请逐条选择"
                    "「是同一项目」或「不是，新建项目」并保存后，再确认导入。"
                )
            _apply(plan, user=user, reason=f"导入清单：{record.original_name}（导入记录 #{record.pk}）")
            locked.status = ImportStatus.APPLIED
            locked.applied_by = user
            locked.applied_at = timezone.now()
            locked.save()
    except (OperationalError, InterfaceError):
        # The connection was cut (or the work aborted) midway: the transaction died with it and
        # nothing is written. If the database cannot be reached again, the 503 page says so.
        if not transaction.get_connection().is_usable():
            raise
        raise ValidationError(
            "导入中途与数据库的连接中断，已全部撤销，未写入任何数据。请稍后再点一次「确认导入」。"
        ) from None
    except DatabaseError:
        # A write the database refused: rolled back, nothing is written.
        raise ValidationError(
            "导入时数据库拒绝了其中的数据，已全部撤销，未写入任何数据。请核对文件后重新上传。"
        ) from None
    return locked


DECISIONS_KEY = "match_decisions"  # the summary's key for the admin's answers to proposed matches
# What a new plan replaces in a preview's summary; the rest (the file's warnings, its subtotals, the
# parsed rows) is the file's and stays as read.
PLANNED_KEYS = (
    "projects",
    "created",
    "updated",
    "unchanged",
    "total_investment",
    "annual_plan",
    "by_category",
    "by_batch",
    "by_district",
    "new_units",
    "suggested_matches",
    "rows",
)


def undecided_matches(summary):
    """How many of a preview's proposed matches the admin has not answered yet."""
    return sum(1 for match in (summary or {}).get("suggested_matches", []) if not match["decision"])


def match_decisions(summary):
    """The admin's answers kept with a preview: {(sheet, row): the project's id accepted, or 0}."""
    return {(sheet, row): decision for sheet, row, decision in (summary or {}).get(DECISIONS_KEY, [])}


def decide_matches(*, user, record, answers, keep=True):
    """Record the admin's answers to a preview's proposed matches (``answers``: {(sheet, row):
    (True to take the proposed project as the row's or False to import the row as a new project,
    the id of the project proposed as the admin saw it)}) and plan the preview again with them;
    refused whole, changing nothing, when an answer names a row without that proposal, the data
    changed since the preview, or two rows would take one project. ``keep=False`` plans without
    keeping anything (a dry run's answers are not the office's)."""
    _check_admin(user)
    if user is not None and not ImportRecord.objects.visible_to(user).filter(pk=record.pk).exists():
        raise PermissionDenied("该导入不在本项目办管理范围内。")
    with transaction.atomic():
        locked = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if locked.status != ImportStatus.PREVIEWED:
            raise ValidationError(f"该导入当前为「{locked.get_status_display()}」，不能再修改匹配。")
        proposed = {(item["sheet"], item["row"]): item for item in locked.summary.get("suggested_matches", [])}
        decisions = match_decisions(locked.summary)
        for where, (accept, project_id) in answers.items():
            if where not in proposed:
                raise ValidationError(f"「{where[0]}」第{where[1]}行没有匹配建议，请刷新预览后再选择。")
            if proposed[where]["project_id"] != project_id:
                raise ValidationError(f"「{where[0]}」第{where[1]}行的匹配建议已更新，请刷新页面、核对后再选择。")
            decisions[where] = project_id if accept else 0
        parsed = parsed_list_from(locked.summary)
        office = {"year": locked.year, "level": locked.level, "region": locked.region}
        # The data as previewed (the answers kept so far): anything changed since is not taken in quietly.
        before = plan_parsed(parsed, ImportPlan(**office), match_decisions(locked.summary))
        if before.digest() != locked.plan_digest:
            raise ValidationError("预览之后项目数据已有变化，请重新上传并预览后再确认。")
        plan = plan_parsed(parsed_list_from(locked.summary), ImportPlan(**office), decisions)
        if not plan.ok:
            raise ValidationError("；".join(str(error) for error in plan.errors[:5]))
        if not keep:
            transaction.set_rollback(True)
            return locked, plan
        summary = plan.summary()
        locked.summary = {
            **locked.summary,
            **{key: summary[key] for key in PLANNED_KEYS},
            DECISIONS_KEY: [[sheet, row, pk] for (sheet, row), pk in decisions.items()],
        }
        locked.plan_digest = plan.digest()
        locked.created, locked.updated, locked.unchanged = plan.count(NEW), plan.count(CHANGED), plan.count(UNCHANGED)
        locked.save(update_fields=["summary", "plan_digest", "created", "updated", "unchanged"])
    return locked, plan


def _changed_since_preview(plan):
    if plan.ok and plan.rows and plan.count(UNCHANGED) == len(plan.rows):
        return "文件中的项目已全部在系统中且内容一致（可能刚由另一次导入写入），本次确认未写入任何数据。"
    return "预览之后项目数据已有变化，请重新上传并预览后再确认。"


def _apply(plan, *, user, reason):
    units = {}
    for district, name in plan.units_to_create:  # one per district and normalised name
        kind = UnitKind.STREET_OFFICE if name.endswith("街道办事处") else UnitKind.DEPARTMENT
        unit = Unit(district=district, name=name, kind=kind)
        unit._history_user, unit._change_reason = user, reason
        unit.save()
        units[(district.pk, normalize_text(name))] = unit
    history = {"default_user": user, "default_change_reason": reason}
    audit = {"user": user, "reason": reason}

    def unit_for(row):
        """The unit found in the row's district, or the one this import has just created there."""
        if row.values["unit"] is not None or not row.unit_name:
            return row.values["unit"]
        return units.get((row.values["district"].pk, normalize_text(row.unit_name)))

    new_rows, changed_projects = [], []
    for row in plan.rows:
        if row.project is None:
            new_rows.append(row)
        elif any(f in PROJECT_FIELDS or f == "name" for f, _, _ in row.changes):
            for name in PROJECT_FIELDS:
                value = unit_for(row) if name == "unit" else row.values[name]
                if value not in (None, ""):
                    setattr(row.project, name, value)
            if any(f == "name" for f, _, _ in row.changes):
                row.project.rename(row.values["name"])  # the old name stays searchable (former_names)
            changed_projects.append(row.project)
    new_ids = iter(insert_created(Project, [_new_project(row, unit_for(row)) for row in new_rows], **audit))
    if changed_projects:
        fields = [*PROJECT_FIELDS, "name", "former_names"]
        bulk_update_with_history(changed_projects, Project, fields, batch_size=500, **history)

    new_listings, changed_listings, assignments = [], [], []
    for row in plan.rows:
        project_id = row.project.pk if row.project is not None else next(new_ids)  # in plan.rows' order
        if row.listing is None:
            listing = {name: row.values[name] for name in LISTING_FIELDS}
            new_listings.append({**listing, "project_id": project_id, "year": plan.year, "level": row.values["level"]})
        elif any(f in LISTING_FIELDS for f, _, _ in row.changes):
            for name in LISTING_FIELDS:
                setattr(row.listing, name, row.values[name])
            changed_listings.append(row.listing)
        if any(f == "leader" for f, _, _ in row.changes):
            assignments.append(Assignment(leader=row.leader, project_id=project_id, since=clock.today()))
    insert_created(Listing, new_listings, **audit)
    if changed_listings:
        bulk_update_with_history(changed_listings, Listing, LISTING_FIELDS, batch_size=500, **history)
    if assignments:
        bulk_create_audited(assignments, Assignment, user=user, reason=reason)
    data_changed()  # raw inserts and bulk_update_with_history send no model signal


def _new_project(row, unit):
    """A new project's columns (by attname) as the file gives them; the model's defaults fill the rest."""
    values = row.values
    fields = {name: values[name] for name in PROJECT_FIELDS if name not in ("street", "unit")}
    fields.update(
        name=values["name"],
        district_id=values["district"].pk,
        street_id=values["street"].pk if values["street"] is not None else None,
        unit_id=unit.pk if unit is not None else None,
        code=values["code"] or None,  # an empty code is NULL (Project.save)
        owner=values["owner"] or "",
        content=values["content"] or "",
        total_investment=values["total_investment"] or Decimal(0),
    )
    return fields


def error_rows(record):
    """The refused file's errors (then its warnings), as rows for the downloadable .xlsx."""
    summary = record.summary or {}
    for kind, items in (("错误", summary.get("errors", [])), ("提示", summary.get("warnings", []))):
        for item in items:
            yield [kind, item["sheet"], item["row"] or "", item["column"], item["message"]]
