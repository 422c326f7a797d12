"""A project's change history, read from the audit trail with before and after values."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from projects.choices import Level
from projects.models import (
    Assignment,
    Instruction,
    Leader,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Street,
    SupervisionVisit,
    Unit,
)
from projects.scoping import known_people, visible_regions


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None  # None when the object was created by this change
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: object  # the user who made the change; None for the system or a person the viewer may not name
    who_name: str
    action: str
    subject: str
    object_label: str
    changes: list


_ACTIONS = {"+": "新增", "~": "修改", "-": "删除"}
SYSTEM = "系统"
UNNAMED = "其他项目办"


def _display(field, value, related_names):
    if value is None or value == "":
        return "（空）"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if field.is_relation:
        return related_names.get((field.related_model, value), f"#{value}")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _children_of(model, project_field, project):
    """Ids of ``model`` rows on ``project`` now, or deleted while on it (never ones moved away)."""
    current = model.objects.filter(**{project_field: project.pk}).values_list("id", flat=True)
    deleted = model.history.filter(**{project_field: project.pk}, history_type="-").values_list("id", flat=True)
    return set(current) | set(deleted)


def _related_querysets(user, project):
    """What names may be shown for related rows: only those the viewer may see. Streets and units
    are named in the districts the viewer reads and the project's own; people as
    scoping.known_people says (never those of an office beside the viewer's). Regions, the public
    administrative tree, and the leaders on the project's own rows are named."""
    places = Q(district__in=visible_regions(user).values("pk")) | Q(district=project.district_id)
    return {
        Project: Project.objects.visible_to(user),
        Listing: Listing.objects.visible_to(user).select_related("project"),
        Problem: Problem.objects.visible_to(user).select_related("project"),
        MonthlyReport: MonthlyReport.objects.visible_to(user).select_related("listing__project"),
        SupervisionVisit: SupervisionVisit.objects.visible_to(user).select_related("project"),
        Street: Street.objects.filter(places),
        Unit: Unit.objects.filter(places),
        get_user_model(): get_user_model().objects.filter(known_people(user)),
    }


def project_history(*, project, user, limit=100):
    """Every recorded change to the project and its listings, reports, problems, milestones,
    assignments, visits and instructions, newest first, with each field's value before and after.

    Rows are taken by where they are now (a listing moved to another project takes its reports
    with it), and related names outside the viewer's scope are not shown.
    """
    listing_ids = _children_of(Listing, "project_id", project)
    problem_ids = _children_of(Problem, "project_id", project)
    sources = [
        (Project, Project.history.filter(id=project.pk)),
        (Listing, Listing.history.filter(id__in=listing_ids)),
        (MonthlyReport, MonthlyReport.history.filter(listing_id__in=listing_ids)),
        (Problem, Problem.history.filter(id__in=problem_ids)),
        (Milestone, Milestone.history.filter(project_id=project.pk)),
        (Assignment, Assignment.history.filter(project_id=project.pk)),
        (SupervisionVisit, SupervisionVisit.history.filter(project_id=project.pk)),
        (Instruction, Instruction.history.filter(problem_id__in=problem_ids)),
    ]
    raw = []  # (model, record, previous record of the same object or None)
    for model, records in sources:
        previous = {}
        for record in records.order_by("id", "history_date", "history_id"):
            raw.append((model, record, previous.get(record.id)))
            previous[record.id] = record
    raw.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=True)
    raw = raw[:limit]

    related_ids = {get_user_model(): {record.history_user_id for _, record, _ in raw if record.history_user_id}}
    for model, record, _ in raw:
        for field in model._meta.concrete_fields:
            if field.is_relation and getattr(record, field.attname) is not None:
                related_ids.setdefault(field.related_model, set()).add(getattr(record, field.attname))
    visit_leaders = _visit_leaders([record for model, record, _ in raw if model is SupervisionVisit])
    visit_leaders.update(_visit_leaders([prev for model, _, prev in raw if model is SupervisionVisit and prev]))
    related_ids.setdefault(Leader, set()).update(pk for pks in visit_leaders.values() for pk in pks)
    querysets = _related_querysets(user, project)
    related_objects = {
        (related_model, obj.pk): obj
        for related_model, ids in related_ids.items()
        for obj in querysets.get(related_model, related_model._default_manager.all()).filter(pk__in=ids)
    }
    related_names = {key: str(obj) for key, obj in related_objects.items()}
    entries = []
    for model, record, previous in raw:
        fields = [f for f in model._meta.concrete_fields if f.name not in {"id", "created_at", "updated_at", "version"}]
        changes = []
        for field in fields:
            new = getattr(record, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if record.history_type == "-" or (previous is not None and old == new):
                continue
            if previous is None and new in (None, ""):
                continue
            changes.append(
                FieldChange(
                    str(field.verbose_name),
                    None if previous is None else _display(field, old, related_names),
                    _display(field, new, related_names),
                )
            )
        if model is SupervisionVisit and record.history_type != "-":
            changes.extend(_leader_change(record, previous, visit_leaders, related_names))
        who = related_objects.get((get_user_model(), record.history_user_id))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who,
                who_name=_who_name(record, who),
                action=_ACTIONS.get(record.history_type, record.history_type),
                subject=str(model._meta.verbose_name),
                object_label=_history_label(model, record, related_names),
                changes=changes,
            )
        )
    return entries


def _who_name(record, who):
    if who is not None:
        return who.get_full_name() or who.username
    return UNNAMED if record.history_user_id else SYSTEM


def _visit_leaders(records):
    """Historical record id -> the set of leader ids of a visit at that point, in one query."""
    if not records:
        return {}
    through = next(
        rel.related_model
        for rel in SupervisionVisit.history.model._meta.related_objects
        if rel.name.endswith("_leaders")
    )
    leaders = {record.history_id: set() for record in records}
    for history_id, leader_id in through.objects.filter(history__in=list(leaders)).values_list(
        "history_id", "leader_id"
    ):
        leaders[history_id].add(leader_id)
    return leaders


def _leader_change(record, previous, visit_leaders, related_names):
    new = visit_leaders.get(record.history_id, set())
    old = visit_leaders.get(previous.history_id, set()) if previous is not None else None
    if old == new or (old is None and not new):
        return []

    def names(ids):
        return "、".join(sorted(related_names.get((Leader, pk), f"#{pk}") for pk in ids)) or "（空）"

    return [FieldChange("带队领导", None if old is None else names(old), names(new))]


def _history_label(model, record, related_names):
    if model is MonthlyReport:
        return f"{related_names.get((Listing, record.listing_id), '')} {record.month}月"
    if model is Listing:
        return f"{record.year}年{Level(record.level).label}"
    if model is Assignment:
        return related_names.get((Leader, record.leader_id), "")
    for attribute in ("name", "description", "text", "findings"):
        if hasattr(record, attribute):
            return str(getattr(record, attribute))[:40]
    return str(model._meta.verbose_name)
