"""Roles: what kind of user someone is (项目办管理员, 填报员, 领导). Which projects each may see or
change is the projects domain's rule: projects/scoping.py."""

from accounts.models import Role


def is_office_admin(user):
    """项目办管理员: the admin role, or a superuser."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def is_staff_reporter(user):
    return bool(user.is_authenticated and user.is_active and not user.is_superuser and user.role == Role.STAFF)


def is_leader(user):
    return bool(user.is_authenticated and user.is_active and not user.is_superuser and user.role == Role.LEADER)
