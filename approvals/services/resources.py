"""Writes to a project's resources (要素保障) for one year: the land row and one funding row per source,
saved together under a lock on the project, refused when someone else saved the year since the page
was opened (no silent overwrite)."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max

from approvals.choices import FundingSource
from approvals.models import Funding, LandSupply
from projects import clock
from projects.models import Project
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError

ZERO = Decimal("0")


@dataclass(frozen=True)
class LandInput:
    needed: Decimal = ZERO
    supplied: Decimal = ZERO
    supplied_on: date | None = None
    notes: str = ""

    @property
    def empty(self):
        """Nothing to keep: all zeros, no date, no note (such a row is not stored)."""
        return not (self.needed or self.supplied or self.supplied_on or self.notes.strip())


@dataclass(frozen=True)
class FundingInput:
    planned: Decimal = ZERO
    secured: Decimal = ZERO
    secured_on: date | None = None
    notes: str = ""

    @property
    def empty(self):
        return not (self.planned or self.secured or self.secured_on or self.notes.strip())


class StaleEdit(Exception):
    """The rows were changed by someone else since the page was opened; ``version`` is theirs now."""

    def __init__(self, message, *, version):
        self.version = version
        super().__init__(message)


def version_of(*querysets):
    """A token that changes whenever a row of the querysets is saved, added or removed: the count and
    the latest ``updated_at`` of each (a removed row lowers the count, any save moves the time)."""
    parts = []
    for queryset in querysets:
        state = queryset.order_by().aggregate(n=Count("pk"), latest=Max("updated_at"))
        parts.append(f"{state['n']}@{state['latest'].isoformat() if state['latest'] else '-'}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def resources_version(*, project, year):
    """The version the resources page of ``project`` for ``year`` was opened at."""
    return version_of(
        LandSupply.objects.filter(project=project, year=year), Funding.objects.filter(project=project, year=year)
    )


def listed_years(project):
    """The years ``project`` is on a key-project list, latest first."""
    return list(project.listings.order_by("-year").values_list("year", flat=True).distinct())


def _check_date(errors, field, value, what):
    if value and value > clock.today():
        errors[field] = f"{what}不能晚于今天（{clock.today():%Y-%m-%d}）。"


def resources_problems(*, land, fundings):
    """What is wrong with the year's input, as {field: message} (land fields as "land_<name>", a
    source's as "<source>_<name>"): dates after today, negative figures, a date without an amount."""
    errors = {}
    for name in ("needed", "supplied"):
        if getattr(land, name) < 0:
            errors[f"land_{name}"] = "用地面积不能为负数。"
    _check_date(errors, "land_supplied_on", land.supplied_on, "供地日期")
    if land.supplied_on and not land.supplied:
        errors.setdefault("land_supplied_on", "填写了供地日期，请同时填写已供地面积。")
    for source, row in fundings.items():
        label = FundingSource(source).label
        for name in ("planned", "secured"):
            if getattr(row, name) < 0:
                errors[f"{source}_{name}"] = f"{label}金额不能为负数。"
        _check_date(errors, f"{source}_secured_on", row.secured_on, f"{label}到位日期")
        if row.secured_on and not row.secured:
            errors.setdefault(f"{source}_secured_on", f"填写了{label}到位日期，请同时填写已到位金额。")
    return errors


def resources_warnings(*, land, fundings):
    """Legal but worth a second look, said after saving: more land supplied than needed, more money
    arrived than planned (both happen: a plan raised later, money beyond the plan)."""
    warnings = []
    if land.supplied > land.needed:
        warnings.append(f"已供地 {land.supplied:,.2f} 亩超过需用地 {land.needed:,.2f} 亩，请核对。")
    for source, row in fundings.items():
        if row.secured > row.planned:
            warnings.append(
                f"{FundingSource(source).label}已到位 {row.secured:,.2f} 万元超过计划 {row.planned:,.2f} 万元，请核对。"
            )
    return warnings


def _store(model, existing, values, *, user, lookup, reason):
    """Create, change or remove one row so that it holds ``values`` (None: no row); untouched when
    it already does, so saving an unchanged page changes nothing."""
    if values is None:
        if existing is not None:
            existing._history_user, existing._change_reason = user, reason
            existing.delete()
        return
    row = existing or model(**lookup)
    if existing is not None and all(getattr(row, name) == value for name, value in values.items()):
        return
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    audited_save(row, user=user, reason=reason)


def resources_save(*, user, project, year, land, fundings, expected_version):
    """Save the land row (a LandInput) and the funding rows ({FundingSource value: FundingInput};
    a source left out is not touched) of ``project`` for ``year``; return the warnings to show.

    Office admins and the staff who keep the project only. A row with nothing in it is not stored
    (the existing one is removed). ``expected_version`` is resources_version() as the page was
    opened: if the year's rows changed since, nothing is written and StaleEdit is raised. The
    check and the writes run under a lock on the project row, so two saves from the same version
    cannot both pass."""
    unknown = set(fundings) - set(FundingSource.values)
    if unknown:
        raise ValidationError(f"未知的资金来源：{'、'.join(sorted(unknown))}。")
    errors = resources_problems(land=land, fundings=fundings)
    if errors:
        raise ValidationError(errors)
    reason = f"{year}年要素保障"
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).get()
        if not Project.objects.kept_by(user).filter(pk=project.pk).exists():
            raise PermissionDenied("您不能填报该项目的要素保障。")
        if year not in listed_years(project):
            raise ValidationError(f"该项目{year}年未列入重点项目清单，不能填报该年的要素保障。")
        current = resources_version(project=project, year=year)
        if current != expected_version:
            raise StaleEdit(
                "保存失败：您打开本页后，该项目本年度的要素保障已被他人修改并保存，您的修改未写入。"
                "请核对下方对方保存的内容；如仍以您填写的为准，请再次保存。",
                version=current,
            )
        _store(
            LandSupply,
            LandSupply.objects.filter(project=project, year=year).first(),
            None
            if land.empty
            else {
                "needed": land.needed,
                "supplied": land.supplied,
                "supplied_on": land.supplied_on,
                "notes": land.notes.strip(),
            },
            user=user,
            lookup={"project": project, "year": year},
            reason=reason,
        )
        existing = {row.source: row for row in Funding.objects.filter(project=project, year=year)}
        for source, row in fundings.items():
            _store(
                Funding,
                existing.get(source),
                None
                if row.empty
                else {
                    "planned": row.planned,
                    "secured": row.secured,
                    "secured_on": row.secured_on,
                    "notes": row.notes.strip(),
                },
                user=user,
                lookup={"project": project, "year": year, "source": source},
                reason=reason,
            )
    return resources_warnings(land=land, fundings=fundings)
