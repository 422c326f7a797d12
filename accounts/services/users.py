"""Writes on user accounts from the office's own pages: create one, deactivate and reactivate it,
reset its password, lift its sign-in lock. Each is audited (the user's history names who did it and
why) and reaches only the users under the acting admin's node (scoping.managed_rows)."""

import secrets
from dataclasses import dataclass

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as PasswordRefused
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from accounts.roles import is_office_admin
from projects.models import Leader
from projects.scoping import managed_rows
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.offices import user_place_check

# Letters and digits that cannot be misread when the password is read out or copied by hand
# (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12
USERNAME_RULE = "用户名只能包含字母、数字和 @ . + - _ 这几个符号，不能有空格。"
USERNAME_MAX = User._meta.get_field("username").max_length


@dataclass(frozen=True)
class IssuedPassword:
    """A password just given to ``user``: shown once on the page that answers the request, never
    stored anywhere but as the user's hash."""

    user: User
    password: str


def new_password(user):
    """A random password that passes the installation's password validators for ``user``."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        try:
            validate_password(password, user)
        except PasswordRefused:
            continue
        return password


def _check_admin(by):
    if not is_office_admin(by):
        raise PermissionDenied("只有项目办管理员可以管理用户。")


def _managed_locked(by, user):
    """``user`` read again under a row lock, if ``by`` manages them; refused otherwise."""
    _check_admin(by)
    locked = User.objects.filter(managed_rows(by, "region")).select_for_update().filter(pk=user.pk).first()
    if locked is None:
        raise PermissionDenied("该用户不在您的管理范围内。")
    if locked.is_superuser and not by.is_superuser:
        raise PermissionDenied("系统运维账号只能由系统运维人员管理。")
    if _peer_admin(by, locked):
        raise PermissionDenied("同一项目办的管理员账号由上级项目办或系统运维人员管理。")
    return locked


def _peer_admin(by, user):
    """Whether ``user`` is another admin of ``by``'s own office: neither may take over or lock out
    the other (reset their password, deactivate them); the office above or the operator may."""
    return (
        not by.is_superuser
        and user.pk != by.pk
        and user.role == Role.ADMIN
        and user.region_id is not None
        and user.region_id == by.region_id
    )


def _username_taken(username):
    return ValidationError({"username": f"用户名“{username}”已被使用，请换一个。"})


def _role_fits(*, by, role, region, streets, units, leader):
    """What each role needs beside its place (services.offices.user_place_check): staff report for
    streets or units, a leader account is one leader's who is not signed in under another account."""
    errors = {}
    if role == Role.STAFF and not (streets or units):
        errors["streets"] = "请为填报员选择负责街道或负责单位（至少一个）。"
    if role != Role.STAFF and (streets or units):
        errors["streets"] = "只有填报员有负责街道和负责单位，请取消勾选或把角色改为填报员。"
    if role == Role.LEADER and leader is None:
        errors["leader"] = "请选择该账号对应的联系领导。"
    elif role != Role.LEADER and leader is not None:
        errors["leader"] = "只有领导账号关联联系领导，请取消选择或把角色改为领导。"
    elif leader is not None:
        if not Leader.objects.filter(managed_rows(by, "region"), pk=leader.pk).exists():
            errors["leader"] = "该联系领导不在您的管理范围内。"
        elif not leader.is_active:
            errors["leader"] = f"{leader.name}已不在任，不能开通账号。"
        elif region is not None and region.pk != leader.region_id:
            # a leader's account sees what their own district sees, never the tier above it
            errors["leader"] = f"{leader.name}的领导账号应属于{leader.region.name}。"
    if errors:
        raise ValidationError(errors)


def user_create(*, by, username, name, role, region, streets=(), units=(), leader=None):
    """Create an account of ``role`` at ``region`` (staff: with their streets and units; a leader
    account: linked to ``leader``) with a random password, returned once.

    The office's checks (services.offices.user_place_check) decide where the account may be; an
    office admin may make admin accounts under their node, only the operator makes an operator
    (never here). Two admins choosing one username at once: one gets the account, the other the
    message that the name is taken."""
    _check_admin(by)
    username = (username or "").strip()
    name = (name or "").strip()
    streets, units = list(streets), list(units)
    if not username:
        raise ValidationError({"username": "请填写用户名。"})
    try:
        User.username_validator(username)
    except ValidationError:
        raise ValidationError({"username": USERNAME_RULE}) from None
    if len(username) > USERNAME_MAX:
        raise ValidationError({"username": f"用户名不能超过 {USERNAME_MAX} 个字符。"})
    if not name:
        raise ValidationError({"name": "请填写姓名。"})
    if role not in Role.values:
        raise ValidationError({"role": "请选择角色。"})
    user_place_check(by=by, region=region, role=role, streets=streets, units=units)
    _role_fits(by=by, role=role, region=region, streets=streets, units=units, leader=leader)
    # Sign-in matches names exactly, but two accounts "Wang" and "wang" would confuse everyone.
    if User.objects.filter(username__iexact=username).exists():
        raise _username_taken(username)
    user = User(username=username, last_name=name, role=role, region=region)
    password = new_password(user)
    user.set_password(password)
    try:
        with transaction.atomic():
            if leader is not None:
                linked = Leader.objects.select_for_update().get(pk=leader.pk)
                if linked.user_id is not None:
                    raise ValidationError({"leader": f"{linked.name}已有登录账号，不能再开通一个。"})
            audited_save(user, user=by, reason="新建账号")
            user.streets.set(streets)
            user.units.set(units)
            if leader is not None:
                linked.user = user
                audited_save(linked, user=by, reason=f"关联登录账号 {username}", update_fields=["user"])
    except IntegrityError:
        # The unique username (or the leader's one account) was taken by a commit since the checks.
        if User.objects.filter(username=username).exists():
            raise _username_taken(username) from None
        raise ValidationError({"leader": "该联系领导刚刚被关联了其他账号，请刷新后重试。"}) from None
    return IssuedPassword(user=user, password=password)


def user_set_active(*, by, user, active):
    """Deactivate (``active`` False) or reactivate ``user``; returns whether anything changed.

    A deactivated account cannot sign in, and its open sessions end on their next request
    (Django's ModelBackend refuses inactive users). An admin cannot deactivate themself: the
    office would lose the one person who can undo it."""
    if not active and user.pk == by.pk:
        raise ValidationError("不能停用自己的账号。")
    with transaction.atomic():
        locked = _managed_locked(by, user)
        if locked.is_active == active:
            return False
        locked.is_active = active
        audited_save(locked, user=by, reason="启用账号" if active else "停用账号", update_fields=["is_active"])
    return True


def user_password_reset(*, by, user):
    """Give ``user`` a new random password, returned once; the old one stops working at once, and
    so do the user's open sessions (their session hash no longer matches). The history records
    who reset it and when, never the password."""
    if user.pk == by.pk:
        raise ValidationError("请在“修改密码”页面修改自己的密码。")
    with transaction.atomic():
        locked = _managed_locked(by, user)
        password = new_password(locked)
        locked.set_password(password)
        audited_save(locked, user=by, reason="重置密码", update_fields=["password"])
    return IssuedPassword(user=locked, password=password)


def user_unlock(*, by, user):
    """Lift django-axes' sign-in lock on ``user``'s name: their failed attempts are cleared.
    Returns how many attempt records were cleared (0 when there were none, and nothing is
    recorded then)."""
    with transaction.atomic():
        locked = _managed_locked(by, user)
        cleared = axes_reset(username=locked.username)
        if cleared:
            # axes keeps no history of its own: a version of the user that changes no field
            # records who lifted the lock and when.
            audited_save(locked, user=by, reason="解除登录锁定", update_fields=["is_active"])
    return cleared
