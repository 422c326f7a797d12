"""Writes of what an office publishes about its projects: the 可公开 mark (office admins, one project
or many at once) and the project's point (admins and the staff who keep the project). A save names
the version its page was opened at and is refused when someone else saved since (no silent
overwrite); the check and the write run under a lock on the project's row."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from accounts.roles import is_office_admin
from opendata.choices import CoordinateSystem
from opendata.coordinates import PLACES, outside_china, to_wgs84
from opendata.models import Publication
from projects.models import Project
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError


@dataclass(frozen=True)
class PointInput:
    """A point as entered: both coordinates or neither (None clears the point)."""

    longitude: Decimal | None
    latitude: Decimal | None
    system: str = CoordinateSystem.WGS84

    @property
    def empty(self):
        return self.longitude is None and self.latitude is None


class StalePublication(Exception):
    """Someone else saved the project's publication since the page was opened."""

    def __init__(self, publication):
        self.publication = publication
        super().__init__("保存失败：该项目的公开数据设置已被他人修改，您的修改未写入。请核对当前内容后重新提交。")


def publication_of(project):
    """The project's publication row, or an unsaved one with the defaults (not public, no point)."""
    return Publication.objects.filter(project=project).first() or Publication(project=project, version=0)


def point_problems(point):
    """What is wrong with an entered point, as {field: message}: one coordinate without the other,
    a value off the globe, a Chinese map's system for a point outside China (where its offset
    does not apply, so the point is surely in another system or mistyped)."""
    errors = {}
    if point.empty:
        return errors
    if point.longitude is None or point.latitude is None:
        missing = "longitude" if point.longitude is None else "latitude"
        errors[missing] = "经度和纬度须同时填写；清除坐标时两项都留空。"
        return errors
    if not (point.longitude.is_finite() and point.latitude.is_finite()):
        errors["longitude"] = "经纬度须是数字（度，小数形式），如 113.303727,33.741447。"
        return errors
    if not -180 <= point.longitude <= 180:
        errors["longitude"] = "经度须在 -180 到 180 之间。"
    if not -90 <= point.latitude <= 90:
        errors["latitude"] = "纬度须在 -90 到 90 之间。"
    if errors:
        return errors
    if point.longitude == 0 and point.latitude == 0:
        errors["longitude"] = "坐标 0,0 在几内亚湾的海面上，不是项目所在地：请填写项目的实际坐标，或留空。"
        return errors
    if point.system != CoordinateSystem.WGS84 and outside_china(float(point.longitude), float(point.latitude)):
        errors["system"] = (
            f"该坐标在中国境外，{CoordinateSystem(point.system).label}的偏移不适用：请核对经纬度是否填反，"
            "或改选 WGS84。"
        )
    return errors


def _locked(project):
    """The project's publication under a lock on the project's row (made when missing)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return Publication.objects.filter(project=project).first() or Publication(project=project, version=0)


def _save(publication, *, user, reason):
    publication.version += 1
    publication.full_clean(exclude=["project"])
    audited_save(publication, user=user, reason=reason)
    return publication


@transaction.atomic
def publication_save(*, user, project, point, purpose="", public=None, expected_version):
    """Save ``project``'s point (a PointInput, stored in WGS84), its purpose (建设目的) and, for office
    admins, its 可公开 mark (``public``; None leaves it as it is). Admins of the project's office and the staff who
    keep it may save the point; only admins may mark. Refused when the row changed since
    ``expected_version`` (0 for a project that had none). Returns the saved row."""
    if not Project.objects.kept_by(user).filter(pk=project.pk).exists():
        raise PermissionDenied("您不能修改该项目的公开数据设置。")
    if public is not None and not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以设置项目是否公开。")
    if errors := point_problems(point):
        raise ValidationError(errors)
    publication = _locked(project)
    if publication.version != expected_version:
        raise StalePublication(publication)
    if point.empty:
        publication.longitude = publication.latitude = None
        publication.entered_longitude = publication.entered_latitude = None
        publication.entered_system = CoordinateSystem.WGS84
    else:
        publication.longitude, publication.latitude = to_wgs84(point.longitude, point.latitude, point.system)
        publication.entered_longitude = point.longitude.quantize(PLACES)
        publication.entered_latitude = point.latitude.quantize(PLACES)
        publication.entered_system = point.system
    publication.purpose = purpose.strip()
    if public is not None:
        publication.public = public
    return _save(publication, user=user, reason="修改公开数据设置")


@transaction.atomic
def publications_mark(*, user, projects, public):
    """Mark many projects 可公开 (``public`` True) or not, for an office admin; projects outside the
    admin's office are refused as a whole (nothing is changed). Returns how many rows changed
    (a project already so marked is left untouched)."""
    if not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以设置项目是否公开。")
    ids = sorted({project.pk for project in projects})
    allowed = set(Project.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))
    if denied := [pk for pk in ids if pk not in allowed]:
        raise PermissionDenied(f"有 {len(denied)} 个项目不在您的管理范围内，未做任何修改。")
    # Rows locked in id order, so that two admins marking overlapping sets never deadlock.
    list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    existing = {row.project_id: row for row in Publication.objects.filter(project_id__in=ids)}
    changed = 0
    reason = "设为可公开" if public else "取消公开"
    for pk in ids:
        publication = existing.get(pk) or Publication(project_id=pk, version=0)
        if publication.pk is not None and publication.public == public:
            continue
        if publication.pk is None and not public:
            continue  # not public already: no row needed
        publication.public = public
        _save(publication, user=user, reason=reason)
        changed += 1
    return changed
