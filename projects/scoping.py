"""The one place that decides which projects, places and people a user may see and change.

An office admin belongs to an office at one node of the administrative tree (a district's,
the city's, the province's 项目办) and manages everything under that node, nothing beside or
above it. Staff see the projects of their streets and units; leaders the projects they follow.
A superuser is the system's operator, not an office, and sees everything.

Every queryset method ``visible_to`` / ``editable_by`` and every view, export, command and admin
page goes through these functions. They read the user's role (accounts.roles), office, streets,
units and active leader assignments from the database on each call, so a change takes effect on
the next request.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.roles import is_leader, is_office_admin, is_staff_reporter
from projects.choices import RegionKind

NOTHING = Q(pk__in=[])
NO_SCOPE = "（无负责范围）"  # a title's words for a user who has been given no streets or projects


def _regions():
    # The projects' models call this module, so it looks their Region model up instead of importing it.
    return apps.get_model("projects", "Region").objects


def regions_under(region_id):
    """The ids of a node and every node under it (a province's cities and their districts), as a
    subquery: the tree is at most three tiers deep."""
    return _regions().filter(Q(pk=region_id) | Q(parent_id=region_id) | Q(parent__parent_id=region_id)).values("pk")


def in_region(region, path=""):
    """A filter over projects (reached through ``path``) located under ``region`` (a Region or its
    id); all of them for None (the operator's view of an installation with several tops)."""
    if region is None:
        return Q()
    return Q(**{f"{path}district__in": regions_under(getattr(region, "pk", region))})


def node_projects(user, region, path=""):
    """A filter over the projects (reached through ``path``) whose figures a page about ``region``
    sums: those located under the node, which the caller has checked the user may read
    (visible_regions). For None: every project for the operator, and for a user who has no node of
    their own (staff without a district, an admin without an office) only what they may see."""
    if region is None:
        return Q() if user.is_superuser else visible_projects(user, path)
    return in_region(region, path)


def _office_rows(user, path):
    """Rows tied to a node (through ``path``, e.g. "district" or "project__district") under the
    user's office; nothing for an admin who has been given no office."""
    if user.is_superuser:
        return Q()
    if user.region_id is None:
        return NOTHING
    return Q(**{f"{path}__in": regions_under(user.region_id)})


def managed_rows(user, path):
    """A filter over rows an office admin manages, reached from a region through ``path`` (a
    street's or unit's "district", a leader's or user's "region", a closed month's "district")."""
    if is_office_admin(user):
        return _office_rows(user, path)
    return NOTHING


def office_districts(user):
    """The districts whose reporting months an office closes and reopens: every district under its
    node (all of them for the operator); none for anyone else, nor for an admin without an office."""
    return _regions().filter(managed_rows(user, "pk"), kind=RegionKind.DISTRICT)


def districts_under(region):
    """The districts under a node (a Region or its id; the node itself when it is a district); all
    of them for None, the operator's view of the installation."""
    districts = _regions().filter(kind=RegionKind.DISTRICT)
    return districts if region is None else districts.filter(pk__in=regions_under(getattr(region, "pk", region)))


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
        return _office_rows(user, f"{path}district")
    if is_staff_reporter(user):
        return _staff_projects(user, path)
    if is_leader(user):
        return _leader_projects(user, path)
    return NOTHING


def editable_projects(user, path="", *, by_staff):
    """A filter over projects whose rows the user may change.

    Admins change everything under their office; staff change only the rows of their own projects
    that are theirs to keep (``by_staff``: monthly reports, problems, milestones, photos); leaders
    change nothing.
    """
    if is_office_admin(user):
        return _office_rows(user, f"{path}district")
    if by_staff and is_staff_reporter(user):
        return _staff_projects(user, path)
    return NOTHING


def instructable_projects(user, path=""):
    """A filter over projects on whose problems the user may give instructions (督办意见)."""
    if is_office_admin(user):
        return _office_rows(user, f"{path}district")
    if is_leader(user):
        return _leader_projects(user, path)
    return NOTHING


def unit_rows(user, path):
    """A filter over rows a unit owns (through ``path``, e.g. "department"), kept by the staff users
    who serve that unit: a department's approval items across every project, whoever's projects
    they are. Nothing for anyone else (admins reach such rows through their projects)."""
    if is_staff_reporter(user):
        return Q(**{f"{path}__in": user.units.values("pk")})
    return NOTHING


def visible_regions(user):
    """The nodes whose figures the user may read: an office's node and everything under it; for
    staff and leaders, their own district (the totals of the overview); everything for the operator."""
    if user.is_superuser:
        return _regions().all()
    if is_office_admin(user):
        return _regions().filter(pk__in=regions_under(user.region_id)) if user.region_id else _regions().none()
    if user.is_authenticated and user.is_active and user.region_id:
        return _regions().filter(pk=user.region_id)
    return _regions().none()


def regions_above(region_id):
    """The ids of the nodes above a node (its city and province), as a subquery."""
    return _regions().filter(Q(children=region_id) | Q(children__children=region_id)).values("pk")


def known_people(user):
    """A filter over the users whose names a user may read where their work is shown (who changed
    a row, who reported a month): the people of the nodes the user may read and of the offices
    above the user's own, the operator, and the user; everyone for the operator. The people of an
    office beside the user's stay unnamed."""
    if user.is_superuser:
        return Q()
    if not user.is_authenticated:
        return NOTHING
    known = Q(pk=user.pk) | Q(is_superuser=True) | Q(region__in=visible_regions(user).values("pk"))
    if user.region_id:
        known |= Q(region__in=regions_above(user.region_id))
    return known


def home_region(user):
    """The node a user's overview opens on: the office's own node (the operator's: the top of the
    tree when it has one top), a staff user's or leader's district; None when there is none."""
    if user.is_superuser:
        tops = list(_regions().filter(parent__isnull=True)[:2])
        return tops[0] if len(tops) == 1 else None
    return visible_regions(user).filter(pk=user.region_id).first() if user.region_id else None


def home_region_id(user):
    """The id of home_region(user) without reading the row, for what a page defaults to (the
    reporting month, the period figures stand at): the office's node, a staff user's or leader's
    district; None, the whole installation, for the operator."""
    return None if user.is_superuser else getattr(user, "region_id", None)


def scope_description(user):
    """The part of the office's node a user's lists and tables hold, as the words a title uses: ""
    for an admin (all of it), a staff user's streets and units ("北环路街道"), or a leader's
    followed projects ("王某联系的")."""
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
