"""Setting the responsible unit, contact leader (四个一), street or batch of many listings at once
(after an import, say): a preview of every listing's old → new, then one audited transaction.

Only listings the admin may change are touched (scoping.editable_projects); a unit or street must
be of the project's district, a leader of its district or an office above it. Confirming re-plans
under the lock the list writes share and refuses if anything shown in the preview has changed."""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from projects import clock
from projects.choices import Batch
from projects.freshness import data_changed
from projects.models import Assignment, Leader, Listing, Project
from projects.scoping import managed_rows
from projects.services.audit import bulk_create_audited
from projects.services.errors import ValidationError
from projects.services.locks import lock_list_import

REASON = "批量修改"


@dataclass(frozen=True)
class BulkChanges:
    """What to set on every selected listing; None leaves that field as it is."""

    unit: object = None
    leader: object = None
    street: object = None
    batch: int | None = None

    def any(self):
        return any(value is not None for value in (self.unit, self.leader, self.street, self.batch))

    def key(self):
        return [
            getattr(self.unit, "pk", None),
            getattr(self.leader, "pk", None),
            getattr(self.street, "pk", None),
            self.batch,
        ]


@dataclass
class BulkRow:
    listing: object
    changes: list = field(default_factory=list)  # (label, old text, new text)


@dataclass
class BulkPlan:
    changes: BulkChanges
    rows: list = field(default_factory=list)

    @property
    def changed(self):
        return [row for row in self.rows if row.changes]

    def digest(self):
        """The listings and what the preview showed of them: confirming refuses if it differs."""
        shown = [[row.listing.pk, row.listing.project_id, row.changes] for row in self.rows]
        payload = json.dumps([self.changes.key(), shown], ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def _leaders(project):
    return sorted(a.leader.name for a in project.assignments.all() if a.active)


def _leader_ids(project):
    """Who follows the project now, by leader (two leaders may share a name)."""
    return sorted(a.leader_id for a in project.assignments.all() if a.active)


def _within(region_id, district):
    """Whether a node is the district or one above it (a leader of the city follows its projects)."""
    parent = district.parent
    return region_id in {district.pk, getattr(parent, "pk", None), getattr(parent, "parent_id", None)}


def _selected(user, listing_ids, *, lock=False):
    if not listing_ids:
        raise ValidationError("请先勾选要修改的项目。")
    listings = Listing.objects.editable_by(user).filter(pk__in=listing_ids)
    if lock:
        # Projects first, then listings, each in id order: two confirms over shared rows queue.
        list(Project.objects.filter(pk__in=listings.values("project_id")).order_by("pk").select_for_update())
        list(listings.order_by("pk").select_for_update())
    listings = list(
        listings.select_related("project__district__parent", "project__street", "project__unit")
        .prefetch_related("project__assignments__leader")
        .order_by("project__name", "year", "level", "pk")
    )
    missing = len(set(listing_ids)) - len(listings)
    if missing:
        raise ValidationError(f"所选项目中有 {missing} 个不在您的管理范围内或已不存在，未做任何修改。")
    return listings


def bulk_assign_plan(*, user, listing_ids, changes):
    """What setting ``changes`` on the listings ``listing_ids`` would do, written nowhere; a
    ValidationError names every listing the change cannot apply to."""
    if not changes.any():
        raise ValidationError("请至少选择一项要修改的内容（责任单位、联系领导、所在街道或批次）。")
    plan = BulkPlan(changes=changes)
    errors = []
    leader = changes.leader
    if leader is not None and not Leader.objects.filter(managed_rows(user, "region"), pk=leader.pk).exists():
        errors.append(f"联系领导「{leader.name}」不在本项目办管理范围内。")
    elif leader is not None and not leader.is_active:
        errors.append(f"联系领导「{leader.name}」已不在任。")
    for listing in _selected(user, listing_ids):
        project = listing.project
        name = f"「{project.name}」"
        row = BulkRow(listing)
        if changes.unit is not None:
            if changes.unit.district_id != project.district_id:
                errors.append(f"{name}：责任单位「{changes.unit}」不属于项目所在的{project.district}。")
            elif changes.unit.pk != project.unit_id:
                row.changes.append(["责任单位", str(project.unit or ""), str(changes.unit)])
        if changes.street is not None:
            if changes.street.district_id != project.district_id:
                errors.append(f"{name}：街道「{changes.street}」不在项目所在的{project.district}。")
            elif changes.street.pk != project.street_id:
                row.changes.append(["所在街道", str(project.street or ""), str(changes.street)])
        if changes.leader is not None:
            if not _within(changes.leader.region_id, project.district):
                errors.append(f"{name}：联系领导「{changes.leader.name}」不是{project.district}或其上级的领导。")
            elif _leader_ids(project) != [changes.leader.pk]:
                row.changes.append(["联系领导", "、".join(_leaders(project)), changes.leader.name])
        if changes.batch is not None and changes.batch != listing.batch:
            row.changes.append(["批次", Batch(listing.batch).label, Batch(changes.batch).label])
        plan.rows.append(row)
    if errors:
        raise ValidationError(errors)
    if not plan.changed:
        raise ValidationError("所选项目已是这些设置，没有需要修改的内容。")
    return plan


def bulk_assign_confirm(*, user, listing_ids, changes, digest):
    """Apply ``changes`` to the listings exactly as previewed (``digest``: BulkPlan.digest of the
    preview), in one audited transaction, or refuse it whole; returns how many listings changed."""
    with transaction.atomic():
        lock_list_import()
        _selected(user, listing_ids, lock=True)
        plan = bulk_assign_plan(user=user, listing_ids=listing_ids, changes=changes)
        if plan.digest() != digest:
            raise ValidationError("预览之后所选项目已有变化（可能刚由其他人修改），未做任何修改。请重新预览后再确认。")
        _apply(plan, user=user)
    return len(plan.changed)


def _apply(plan, *, user):
    changes, today = plan.changes, clock.today()
    reason = f"{REASON}：" + "、".join(label for label, _ in _labels(changes))
    history = {"default_user": user, "default_change_reason": reason}

    def projects_changing(label):
        return list({r.listing.project_id: r.listing.project for r in plan.rows if label in _changed(r)}.values())

    for name, label in (("unit", "责任单位"), ("street", "所在街道")):
        projects = projects_changing(label)
        for project in projects:
            setattr(project, name, getattr(changes, name))
        if projects:
            bulk_update_with_history(projects, Project, [name], **history)
    if changes.batch is not None:
        listings = [row.listing for row in plan.changed if row.listing.batch != changes.batch]
        for listing in listings:
            listing.batch = changes.batch
        bulk_update_with_history(listings, Listing, ["batch"], **history)
    if changes.leader is not None:
        ended, new = [], []
        for project in projects_changing("联系领导"):
            active = [a for a in project.assignments.all() if a.active]
            for assignment in active:
                if assignment.leader_id != changes.leader.pk:
                    assignment.active = False
                    assignment.ended_on = max(today, assignment.since)
                    ended.append(assignment)
            if not any(a.leader_id == changes.leader.pk for a in active):
                new.append(Assignment(leader=changes.leader, project=project, since=today))
        bulk_update_with_history(ended, Assignment, ["active", "ended_on"], **history)
        bulk_create_audited(new, Assignment, user=user, reason=reason)
    data_changed()  # bulk_update sends no model signal


def _changed(row):
    return {label for label, _, _ in row.changes}


def _labels(changes):
    return [
        (label, value)
        for label, value in (
            ("责任单位", changes.unit),
            ("联系领导", changes.leader),
            ("所在街道", changes.street),
            ("批次", changes.batch),
        )
        if value is not None
    ]
