"""Writes to a project's approval items: applying a template, adding, changing and dropping items."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from approvals.models import ApprovalItem, ApprovalTemplate
from projects.models import Project
from projects.scoping import managed_rows
from projects.services.audit import audited_save


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
        for source in template.items.order_by("sort_order", "id"):
            if source.name in existing:
                skipped.append(source.name)
                continue
            item = ApprovalItem(
                project=project,
                name=source.name,
                department_id=source.department_id,
                time_limit_days=source.time_limit_days,
                sort_order=source.sort_order,
                blocks_start=source.blocks_start,
                template_item=source,
            )
            item.full_clean()
            created.append(audited_save(item, user=user, reason=f"应用前期手续模板「{template.name}」"))
    return created, skipped
