"""The one place that decides which projects a user may see and which they may change.

Every queryset method ``visible_to`` / ``editable_by`` and every view, export and admin page
goes through these functions. They read the user's role (accounts.roles), streets, units and
active leader assignments from the database on each call, so a change takes effect on the next
request.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import is_leader, is_office_admin, is_staff_reporter

NOTHING = Q(pk__in=[])
NO_SCOPE = "（无负责范围）"  # a title's words for a user who has been given no streets or projects


def _staff_projects(user, path):
    return Q(**{f"{path}street__in": user.streets.values("pk")}) | Q(**{f"{path}unit__in": user.units.values("pk")})


def _leader_projects(user, path):
    # Through the user's own relations (user → leader → assignments), as the staff rule goes through
    # user.streets: the projects' models call this module, so it imports none of them.
    assigned = get_user_model().objects.filter(pk=user.pk, leader__is_active=True, leader__assignments__active=True)
    return Q(**{f"{path}pk__in": assigned.values("leader__assignments__project")})


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


def scope_description(user):
    """The part of the district a user's lists and tables hold, as the words a title uses: "" for
    an admin (all of it), a staff user's streets and units ("北环路街道"), or a leader's followed
    projects ("王某联系的")."""
    if is_office_admin(user):
        return ""
    if is_staff_reporter(user):
        streets = user.streets.all()
        # A street office (街道办事处) is its street's own unit: the street's name says it already.
        units = user.units.exclude(street__in=streets)
        names = [*streets.values_list("name", flat=True), *units.values_list("name", flat=True)]
        return "、".join(dict.fromkeys(names)) or NO_SCOPE
    if is_leader(user):
        leader = get_user_model().objects.filter(pk=user.pk).values_list("leader__name", flat=True).first()
        return f"{leader or user.get_full_name() or user.username}联系的"
    return NO_SCOPE
