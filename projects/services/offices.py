"""What an office admin may do to their own part of the tree and to its people: add and change
regions under their node, and give users a place (office or district, streets, units) in it.

The admin's forms call these checks; the choices they offer are already limited to the office's
node (accounts.admin_site), these say in words why anything else is refused.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.roles import is_office_admin
from projects.choices import RegionKind
from projects.models import Region
from projects.scoping import regions_under


def acting_office(*, user, region=None, doing):
    """The office a list-wide write (an import, a rollover) is made by: an office admin's own node
    (naming another is refused); for the operator — a superuser, or a command run with no user — the
    node ``region`` names, which may be left out only when the installation has a single region.
    ``doing`` names the write in the messages ("导入清单")."""
    if user is not None and not is_office_admin(user):
        raise PermissionDenied(f"只有项目办管理员可以{doing}。")
    if user is not None and not user.is_superuser:
        if user.region_id is None:
            raise PermissionDenied(f"您的账号还没有所属的项目办，不能{doing}。请联系系统管理员。")
        if region is not None and region.pk != user.region_id:
            raise PermissionDenied(f"只能以本项目办的名义{doing}。")
        return user.region
    if region is not None:
        return region
    regions = list(Region.objects.all()[:2])
    if len(regions) == 1:
        return regions[0]
    raise ValidationError({"region": f"请指定{doing}的项目办（行政区划代码，如 410403 卫东区、410400 平顶山市）。"})


def _under(region, node_id):
    """Whether ``region`` is the node ``node_id`` or lies under it."""
    return region is not None and regions_under(node_id).filter(pk=region.pk).exists()


def region_check(*, user, region, parent, kind):
    """Refuse a region the user may not add or change to ``parent`` and ``kind``: an office admin
    works under their own node (never on it, above or beside it), and only the operator adds a
    province or a region without a parent."""
    if user.is_superuser:
        return
    if user.region_id is None:
        raise ValidationError("您的账号还没有所属项目办，不能添加或修改行政区划。")
    if region.pk is not None and region.pk == user.region_id:
        raise ValidationError(f"不能修改本项目办自己的行政区划（{user.region.name}），请联系上级项目办。")
    errors = {}
    if kind == RegionKind.PROVINCE:
        errors["kind"] = "只有系统运维人员可以添加省级行政区划。"
    if parent is None:
        errors["parent"] = f"请选择上级：{user.region.name}或其下级。只有系统运维人员可以添加没有上级的行政区划。"
    elif not _under(parent, user.region_id):
        errors["parent"] = f"上级应是{user.region.name}或其下级。"
    if errors:
        raise ValidationError(errors)


def user_place_check(*, by, region, role, streets, units, is_superuser=False):
    """Refuse a place for a user that does not fit: every user but the operator belongs to an
    office or district (``by``'s node or under it, unless ``by`` is the operator); a staff user's
    district is a district; streets and units lie in the user's region."""
    errors = {}
    if region is None:
        if not is_superuser:
            errors["region"] = "请选择所属项目办或区县。"
    elif not by.is_superuser and (by.region_id is None or not _under(region, by.region_id)):
        office = by.region.name if by.region_id else "本项目办"
        errors["region"] = f"只能把用户设在{office}或其下级。"
    elif role == Role.STAFF and region.kind != RegionKind.DISTRICT:
        errors["region"] = f"填报员的所属区县应是区县，“{region.name}”是{region.get_kind_display()}。"
    if region is not None and "region" not in errors:
        under = set(regions_under(region.pk).values_list("pk", flat=True))
        for field, label, rows in (("streets", "负责街道", streets), ("units", "负责单位", units)):
            outside = [row.name for row in rows if row.district_id not in under]
            if outside:
                errors[field] = f"{label}“{'、'.join(outside)}”不在所属区县“{region.name}”内。"
    elif region is None and (list(streets) or list(units)):
        errors.setdefault("region", "请先选择所属区县：负责街道和单位应在该区县内。")
    if errors:
        raise ValidationError(errors)
