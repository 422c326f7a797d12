"""The one place that decides which projects a user may see and which they may change.

Every queryset method ``visible_to`` / ``editable_by`` and every view, export and admin page
goes through these functions. They read the user's role, streets, units and active leader
assignments from the database on each call, so a change takes effect on the next request.
"""

from django.db.models import Q

from accounts.models import Role

NOTHING = Q(pk__in=[])


def is_office_admin(user):
    """项目办管理员: the admin role, or a superuser."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN))


def is_staff_reporter(user):
    return bool(user.is_authenticated and user.is_active and not user.is_superuser and user.role == Role.STAFF)


def is_leader(user):
    return bool(user.is_authenticated and user.is_active and not user.is_superuser and user.role == Role.LEADER)


def _staff_projects(user, path):
    return Q(**{f"{path}street__in": user.streets.values("pk")}) | Q(**{f"{path}unit__in": user.units.values("pk")})


def _leader_projects(user, path):
    from projects.models import Assignment

    assigned = Assignment.objects.filter(active=True, leader__user=user, leader__is_active=True)
    return Q(**{f"{path}pk__in": assigned.values("project_id")})


def visible_projects(user, path=""):
    """A filter over projects (reached through ``path``, e.g. "listing__project__") the user may see."""
    if is_office_admin(user):
        return Q()
    if is_staff_reporter(user):
        return _staff_projects(user, path)
    if is_leader(user):
        return _leader_projects(user, path)
    return NOTHING


def editable_projects(user, path="", *, by_staff):
    """A filter over projects whose rows the user may change.

    Admins change everything; staff change only the rows of their own projects that are theirs
    to keep (``by_staff``: monthly reports, problems, milestones, photos); leaders change nothing.
    """
    if is_office_admin(user):
        return Q()
    if by_staff and is_staff_reporter(user):
        return _staff_projects(user, path)
    return NOTHING


def instructable_projects(user, path=""):
    """A filter over projects on whose problems the user may give instructions (督办意见)."""
    if is_office_admin(user):
        return Q()
    if is_leader(user):
        return _leader_projects(user, path)
    return NOTHING
