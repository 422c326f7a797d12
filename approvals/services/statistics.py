"""Writes to a project's place in the fixed-asset investment statistics (入统): the flag and its date,
and the statistics' own cumulative investment per month of a year, entered by the office."""

from datetime import date

from django.db import transaction

from approvals.models import StatisticsFigure, StatisticsRegistration
from approvals.services.resources import StaleEdit, listed_years, version_of
from projects import clock
from projects.models import Project
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError

MONTHS = range(1, 13)


def statistics_version(*, project, year):
    """The version the statistics page of ``project`` (its months of ``year``) was opened at."""
    return version_of(
        StatisticsRegistration.objects.filter(project=project),
        StatisticsFigure.objects.filter(project=project, year=year),
    )


def statistics_problems(*, registered, registered_on, year, figures, years):
    """What is wrong with the input, as {field: message}: the flag and its date go together, the
    date is not after today, figures only for a year the project is listed (``years``), none
    negative, and a cumulative never falls from one entered month to a later one."""
    errors = {}
    if registered_on and not registered:
        errors["registered_on"] = "填写了入统日期，请同时勾选「已入统」。"
    elif registered and not registered_on:
        errors["registered_on"] = "已入统的项目请填写入统日期。"
    elif registered_on and registered_on > clock.today():
        errors["registered_on"] = f"入统日期不能晚于今天（{clock.today():%Y-%m-%d}）。"
    entered = [(month, figures[month]) for month in MONTHS if figures.get(month) is not None]
    if entered and year not in years:
        errors["year"] = f"该项目{year}年未列入重点项目清单，不能填写该年的统计口径投资。"
        return errors
    previous = None
    for month, value in entered:
        if value < 0:
            errors[f"month_{month}"] = f"{month}月统计累计不能为负数。"
        elif previous is not None and value < previous[1]:
            errors[f"month_{month}"] = (
                f"{month}月统计累计 {value:,.2f} 万元小于{previous[0]}月的 {previous[1]:,.2f} 万元："
                "累计数不能逐月减少。"
            )
        previous = (month, value)
    return errors


def statistics_save(*, user, project, registered, registered_on: date | None, year, figures, expected_version):
    """Save the 入统 flag and date of ``project`` and its statistics cumulative per month of
    ``year`` (``figures``: {month: Decimal or None}; None or a month left out means not entered,
    and removes what was entered before).

    Office admins only (the office copies the figure from the statistics bureau). Refused with
    StaleEdit when the registration or the year's figures changed since ``expected_version``
    (statistics_version as the page was opened); checked and written under a lock on the project."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).get()
        if not Project.objects.editable_by(user).filter(pk=project.pk).exists():
            raise PermissionDenied("只有项目办管理员可以填写入统情况。")
        errors = statistics_problems(
            registered=registered,
            registered_on=registered_on,
            year=year,
            figures=figures,
            years=listed_years(project),
        )
        if errors:
            raise ValidationError(errors)
        current = statistics_version(project=project, year=year)
        if current != expected_version:
            raise StaleEdit(
                "保存失败：您打开本页后，该项目的入统情况或本年度统计口径投资已被他人修改并保存，您的修改未写入。"
                "请核对下方对方保存的内容；如仍以您填写的为准，请再次保存。",
                version=current,
            )
        reason = "入统情况"
        registration = StatisticsRegistration.objects.filter(project=project).first()
        if registration is None and registered:
            registration = StatisticsRegistration(project=project)
        if registration is not None and (registration.registered, registration.registered_on) != (
            registered,
            registered_on,
        ):
            registration.registered, registration.registered_on = registered, registered_on
            registration.full_clean()
            audited_save(registration, user=user, reason=reason)
        existing = {row.month: row for row in StatisticsFigure.objects.filter(project=project, year=year)}
        reason = f"{year}年统计口径累计投资"
        for month in MONTHS:
            value, row = figures.get(month), existing.get(month)
            if value is None:
                if row is not None:
                    row._history_user, row._change_reason = user, reason
                    row.delete()
            elif row is None or row.cumulative != value:
                row = row or StatisticsFigure(project=project, year=year, month=month)
                row.cumulative = value
                row.full_clean()
                audited_save(row, user=user, reason=reason)
