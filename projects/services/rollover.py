"""Next year's list from this year's (从上年续转), without a workbook: preview first (the plan,
services.rollover_plans; nothing written but the record of the preview), then confirm the rows the
admin kept, with the category and annual plan entered for each, in one transaction or not at all.

The rules are the import's (services.imports): made by an office over the projects under its node,
confirmed once, refused when the data changed since the preview, one confirm at a time under the
list-import lock (a rollover and an import both write a year's listings), every row audited.
Projects already on the new year's list are shown and skipped: never listed twice or overwritten."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from accounts.roles import is_office_admin
from projects.choices import Category, RolloverStatus
from projects.models import Listing, Rollover
from projects.services.audit import bulk_create_audited
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.locks import lock_list_import
from projects.services.offices import acting_office
from projects.services.rollover_plans import rollover_plan, rows_from


@dataclass(frozen=True)
class RowChoice:
    """What the admin kept of one proposed row: its category and annual plan (万元) in the new year."""

    category: str
    annual_plan: Decimal


def rollover_office(*, user, region=None):
    """The office a rollover is made by (services.offices.acting_office); never a command's."""
    if user is None:
        raise PermissionDenied("只有项目办管理员可以从上年续转清单。")
    return acting_office(user=user, region=region, doing="从上年续转清单")


def rollover_preview(*, user, from_year, to_year, region=None):
    """Plan carrying ``from_year``'s list over to ``to_year`` for the user's office and keep the
    preview; nothing else is written."""
    office = rollover_office(user=user, region=region)
    if to_year <= from_year:
        raise ValidationError({"to_year": "新清单年度应晚于原清单年度。"})
    plan = rollover_plan(region=office, from_year=from_year, to_year=to_year)
    if not plan.rows:
        raise ValidationError(
            {"from_year": f"{from_year}年清单中没有可续转的项目（续建项目，以及尚未建成的计划建成、新开工项目）。"}
        )
    return Rollover.objects.create(
        region=office,
        from_year=from_year,
        to_year=to_year,
        created_by=user,
        plan_digest=plan.digest(),
        summary=plan.as_summary(),
    )


def rollover_rows(rollover):
    """The rows the preview proposed (and those it skipped), as kept with it."""
    return rows_from(rollover.summary)


def _check_choices(rollover, choices):
    proposed = {row.listing: row for row in rollover_rows(rollover) if not row.skipped}
    if not choices:
        raise ValidationError("请至少保留一个项目再确认续转。")
    unknown = [pk for pk in choices if pk not in proposed]
    if unknown:
        raise ValidationError("所选项目不在本次续转的预览中（已在新年度清单中的项目不会重复列入），请重新预览。")
    for pk, choice in choices.items():
        name = proposed[pk].name
        if choice.category not in Category.values:
            raise ValidationError(f"「{name}」的类别无效。")
        if choice.annual_plan is None or choice.annual_plan < 0:
            raise ValidationError(f"「{name}」的年度计划投资应为不小于 0 的金额（万元）。")
    return proposed


def rollover_confirm(*, user, rollover, choices):
    """Put the kept rows (``choices``: source listing id → RowChoice) on the new year's list in one
    transaction, exactly as previewed, or refuse it whole; returns the applied record."""
    if user is None or not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以从上年续转清单。")
    if not Rollover.objects.visible_to(user).filter(pk=rollover.pk).exists():
        raise PermissionDenied("该续转不在本项目办管理范围内。")
    if rollover.status != RolloverStatus.PREVIEWED:
        raise ValidationError(f"该续转当前为「{rollover.get_status_display()}」，不能再确认。")
    proposed = _check_choices(rollover, choices)
    reason = f"从{rollover.from_year}年续转（续转记录 #{rollover.pk}）"
    try:
        with transaction.atomic():
            lock_list_import()
            locked = Rollover.objects.select_for_update().get(pk=rollover.pk)
            if locked.status != RolloverStatus.PREVIEWED:
                raise ValidationError("该续转已被确认过。")
            plan = rollover_plan(region=locked.region, from_year=locked.from_year, to_year=locked.to_year)
            if plan.digest() != locked.plan_digest:
                raise ValidationError(
                    "预览之后项目或清单已有变化（可能刚由另一次续转或导入写入），请重新预览后再确认。"
                )
            listings = [
                Listing(
                    project_id=proposed[pk].project,
                    year=locked.to_year,
                    level=proposed[pk].level,
                    batch=proposed[pk].batch,
                    category=choice.category,
                    annual_plan=choice.annual_plan,
                )
                for pk, choice in sorted(choices.items())
            ]
            bulk_create_audited(listings, Listing, user=user, reason=reason)
            locked.status = RolloverStatus.APPLIED
            locked.applied_by = user
            locked.applied_at = timezone.now()
            locked.created = len(listings)
            locked.summary = {
                **locked.summary,
                "kept": {str(pk): [c.category, format(c.annual_plan, "f")] for pk, c in choices.items()},
            }
            locked.save()
    except (OperationalError, InterfaceError):
        if not transaction.get_connection().is_usable():
            raise
        raise ValidationError("续转中途与数据库的连接中断，已全部撤销，未写入任何数据。请稍后再试。") from None
    except DatabaseError:
        raise ValidationError("续转时数据库拒绝了其中的数据，已全部撤销，未写入任何数据。请重新预览。") from None
    return locked
