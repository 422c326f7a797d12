"""Writes to a project's approval items: applying a template, adding, changing and dropping items."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from approvals.choices import ItemStatus
from approvals.models import MAX_TIME_LIMIT, ApprovalItem, ApprovalTemplate
from approvals.services.attachments import attachment_attach, attachment_replaced, delete_stored
from projects import clock
from projects.models import Project
from projects.scoping import known_people, managed_rows
from projects.services.audit import audited_save

SORT_ORDER_MAX = 32767  # PositiveSmallIntegerField


def template_apply(*, user, project, template):
    """Create on ``project`` an item for each of ``template``'s items it does not have yet (by name),
    and return (created items, names skipped because the project already has them).

    Office admins only. Under a lock on the project row, so two admins applying templates at once
    never create the same item twice and each sees what the other created."""
    if not Project.objects.editable_by(user).filter(pk=project.pk).exists():
        raise PermissionDenied("您不能为该项目配置前期手续。")
    if not ApprovalTemplate.objects.filter(managed_rows(user, "district"), pk=template.pk).exists():
        raise PermissionDenied("您不能使用该模板。")
    if template.district_id != project.district_id:
        raise ValidationError(f"模板「{template.name}」属于{template.district}，不能用于{project.district}的项目。")
    created, skipped = [], []
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).get()
        existing = set(ApprovalItem.objects.filter(project=project).values_list("name", flat=True))
        items, problems = [], []
        for source in template.items.select_related("department").order_by("sort_order", "id"):
            if source.name in existing:
                skipped.append(source.name)
                continue
            item = ApprovalItem(
                project=project,
                name=source.name,
                department=source.department,
                time_limit_days=source.time_limit_days,
                sort_order=source.sort_order,
                blocks_start=source.blocks_start,
                template_item=source,
            )
            # The rules an item added by hand keeps (item_add): a department of another district
            # would hand the item to that district's staff.
            errors = _item_errors(item, today=clock.today())
            problems += [f"模板事项「{source.name}」：{message}" for message in errors.values()]
            items.append(item)
        if problems:
            raise ValidationError(problems + ["未添加任何事项，请先在后台修改该模板。"])
        for item in items:
            item.full_clean()
            created.append(audited_save(item, user=user, reason=f"应用前期手续模板「{template.name}」"))
    return created, skipped


# --- permissions ---------------------------------------------------------------------------------


def items_manageable(user, project):
    """Whether ``user`` configures ``project``'s items (applies templates, adds, drops, renames):
    the office admins whose office holds the project."""
    return Project.objects.editable_by(user).filter(pk=project.pk).exists()


def item_keepable(user, item):
    """Whether ``user`` updates ``item``'s progress: the admins and staff who keep its project, and
    the staff of its owning department (ApprovalItem.objects.kept_by)."""
    return ApprovalItem.objects.kept_by(user).filter(pk=item.pk).exists()


# --- validation ----------------------------------------------------------------------------------


def _item_errors(item, *, today):
    """The rules an item's values must keep, as {field: Chinese message}; {} when all are kept."""
    errors = {}
    name = item.name.strip()
    if not name:
        errors["name"] = "请填写事项名称。"
    elif ApprovalItem.objects.filter(project_id=item.project_id, name=name).exclude(pk=item.pk).exists():
        errors["name"] = f"该项目已有名为「{name}」的事项。"
    if item.department_id is not None and item.department.district_id != item.project.district_id:
        errors["department"] = "办理部门须为项目所在区县的责任单位。"
    if item.time_limit_days is not None and not 0 <= item.time_limit_days <= MAX_TIME_LIMIT:
        errors["time_limit_days"] = f"法定时限应在 0 到 {MAX_TIME_LIMIT} 个工作日之间。"
    if not 0 <= item.sort_order <= SORT_ORDER_MAX:
        errors["sort_order"] = f"顺序应在 0 到 {SORT_ORDER_MAX} 之间。"
    status = item.status
    if status not in ItemStatus.values:
        errors["status"] = "没有这个办理状态。"
    if status == ItemStatus.IN_PROGRESS and not item.submitted_date:
        errors["submitted_date"] = "办理中的事项请填写提交申报日期。"
    if status == ItemStatus.DONE:
        if not item.approved_date:
            errors["approved_date"] = "已办结的事项请填写办结日期。"
        if not item.document_number.strip():
            errors["document_number"] = "已办结的事项请填写批复文号。"
    elif item.approved_date and "approved_date" not in errors:
        errors["approved_date"] = "填写了办结日期的事项，办理状态应为「已办结」。"
    if status == ItemStatus.NOT_NEEDED and not item.notes.strip():
        errors["notes"] = "不需办理的事项请在备注中说明原因。"
    if item.submitted_date and item.submitted_date > today:
        errors["submitted_date"] = f"提交申报日期不能晚于今天（{_day(today)}）。"
    if item.approved_date and "approved_date" not in errors:
        if item.approved_date > today:
            errors["approved_date"] = f"办结日期不能晚于今天（{_day(today)}）。"
        elif item.submitted_date and item.approved_date < item.submitted_date:
            errors["approved_date"] = "办结日期不能早于提交申报日期。"
    return errors


def _day(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _check(item):
    errors = _item_errors(item, today=clock.today())
    if errors:
        raise ValidationError(errors)
    item.name = item.name.strip()
    item.document_number = item.document_number.strip()


# --- writes --------------------------------------------------------------------------------------


def item_add(*, user, project, name, department=None, time_limit_days=None, blocks_start=True, planned_date=None):
    """Add an item to ``project`` after its others (office admins only); returns it."""
    if not items_manageable(user, project):
        raise PermissionDenied("只有项目办管理员可以为项目添加前期手续事项。")
    with transaction.atomic():
        # The project's row is the lock every change of its list of items takes (template_apply).
        Project.objects.select_for_update().filter(pk=project.pk).get()
        last = ApprovalItem.objects.filter(project=project).aggregate(last=Max("sort_order"))["last"]
        item = ApprovalItem(
            project=project,
            name=name or "",
            department=department,
            time_limit_days=time_limit_days,
            blocks_start=blocks_start,
            planned_date=planned_date,
            sort_order=0 if last is None else min(last + 1, SORT_ORDER_MAX),
        )
        _check(item)
        return audited_save(item, user=user, reason="添加前期手续事项")


class _Unchanged:
    def __repr__(self):
        return "UNCHANGED"


UNCHANGED = _Unchanged()  # a field item_update leaves as stored

PROGRESS_FIELDS = ("status", "planned_date", "submitted_date", "approved_date", "document_number", "notes")
ADMIN_FIELDS = ("name", "department", "time_limit_days", "blocks_start", "sort_order")


ITEM_DELETED = "该事项已被删除，未保存。"


class ItemConflict(ValidationError):
    """The item changed after the form was opened: nothing was saved. ``item`` is the stored row."""

    def __init__(self, message, *, item):
        super().__init__(message, code="conflict")
        self.item = item


def item_update(
    *,
    user,
    item,
    expected_updated_at,
    status=UNCHANGED,
    planned_date=UNCHANGED,
    submitted_date=UNCHANGED,
    approved_date=UNCHANGED,
    document_number=UNCHANGED,
    notes=UNCHANGED,
    name=UNCHANGED,
    department=UNCHANGED,
    time_limit_days=UNCHANGED,
    blocks_start=UNCHANGED,
    sort_order=UNCHANGED,
    attachment=None,
    remove_attachment=False,
):
    """Change ``item``: its progress (whoever keeps it) and, for office admins, its name, department,
    time limit, order and whether it blocks start; ``attachment`` a CheckedAttachment replacing the
    stored one, ``remove_attachment`` removing it (the file goes once the change is committed).
    ``expected_updated_at`` is the item's updated_at when the form was opened: if the item has
    changed since, ItemConflict says who changed it and nothing is saved. Raises
    PermissionDenied or ValidationError (by field) otherwise; returns the saved item."""
    values = {
        "status": status,
        "planned_date": planned_date,
        "submitted_date": submitted_date,
        "approved_date": approved_date,
        "document_number": document_number,
        "notes": notes,
        "name": name,
        "department": department,
        "time_limit_days": time_limit_days,
        "blocks_start": blocks_start,
        "sort_order": sort_order,
    }
    values = {field: value for field, value in values.items() if value is not UNCHANGED}
    if not item_keepable(user, item):
        if not ApprovalItem.objects.filter(pk=item.pk).exists():
            raise ValidationError(ITEM_DELETED)
        raise PermissionDenied("您不能修改该事项。")
    new_file = ""
    try:
        with transaction.atomic():
            # Deleted by an admin since the form was read (or since the check above): say so.
            stored = ApprovalItem.objects.select_for_update().select_related("project").filter(pk=item.pk).first()
            if stored is None:
                raise ValidationError(ITEM_DELETED)
            if stored.updated_at != expected_updated_at:
                raise ItemConflict(_conflict_message(user, stored), item=stored)
            admin_changes = [
                field for field in ADMIN_FIELDS if field in values and values[field] != getattr(stored, field)
            ]
            if admin_changes and not items_manageable(user, stored.project):
                raise PermissionDenied("只有项目办管理员可以修改事项名称、办理部门、法定时限和顺序。")
            if "name" in admin_changes:
                # A new name is checked against the project's others under the lock adding takes.
                Project.objects.select_for_update().filter(pk=stored.project_id).get()
            for field, value in values.items():
                setattr(stored, field, "" if value is None and field in ("document_number", "notes") else value)
            _check(stored)
            if attachment is not None:
                new_file, old_file = attachment_attach(stored, attachment)
                attachment_replaced(old_file)
            elif remove_attachment and stored.attachment:
                attachment_replaced(stored.attachment.name)
                stored.attachment, stored.attachment_extension, stored.attachment_name = "", "", ""
            audited_save(stored, user=user, reason="更新前期手续事项")
    except BaseException:
        delete_stored([new_file])
        raise
    return stored


def item_last_change(user, item):
    """(when, who) of ``item``'s latest change, from its history; ``who`` is the person's name where
    the user may read it (scoping.known_people), else 其他用户, or "" when no one is recorded."""
    last = item.history.order_by("-history_date", "-history_id").first()
    if last is None:
        return None, ""
    who = ""
    if last.history_user_id:
        person = get_user_model().objects.filter(known_people(user), pk=last.history_user_id).first()
        who = (person.get_full_name() or person.username) if person is not None else "其他用户"
    return timezone.localtime(last.history_date), who


def _conflict_message(user, stored):
    """Who changed the item last and when, for the user whose save came too late."""
    _, who = item_last_change(user, stored)
    when = timezone.localtime(stored.updated_at)
    return (
        f"该事项已于 {when:%Y-%m-%d %H:%M} 被{who or '其他用户'}修改，您的修改未保存。"
        "下方保留了您填写的内容，请对照最新内容核对后重新提交（如有附件请重新选择）。"
    )


def item_delete(*, user, item, reason):
    """Drop ``item`` from its project (office admins only, with a reason kept in its history); its
    attachment file goes once the deletion is committed."""
    if not items_manageable(user, item.project):
        raise PermissionDenied("只有项目办管理员可以删除前期手续事项。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写删除原因。"})
    with transaction.atomic():
        stored = ApprovalItem.objects.select_for_update().filter(pk=item.pk).first()
        if stored is None:
            raise ValidationError("该事项已被删除。")  # by another admin since the page was read
        old_file = stored.attachment.name or ""
        stored._history_user = user
        stored._change_reason = f"删除前期手续事项：{reason}"
        stored.delete()
        attachment_replaced(old_file)
