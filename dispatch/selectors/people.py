"""Who is told: the people a notification about a project, a unit's task or an office's work reaches."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.models import Role
from projects.scoping import regions_above


def _active():
    return get_user_model().objects.filter(is_active=True)


def project_keepers(project):
    """The staff who keep ``project``'s reports and problems: those serving its street or its unit."""
    served = Q(streets=project.street_id) if project.street_id else Q(pk__in=[])
    if project.unit_id:
        served |= Q(units=project.unit_id)
    return _active().filter(served, role=Role.STAFF, is_superuser=False).distinct()


def unit_staff(unit):
    """The staff who serve ``unit``: those given the unit, and for a street office its street's staff."""
    served = Q(units=unit.pk)
    if unit.street_id:
        served |= Q(streets=unit.street_id)
    return _active().filter(served, role=Role.STAFF, is_superuser=False).distinct()


def office_admins(district):
    """The admins of the offices ``district`` (a Region or its id) lies under: its own, its city's, its
    province's. The district's own office acts on its work; the offices above read it."""
    district_id = getattr(district, "pk", district)
    return _active().filter(
        Q(region_id=district_id) | Q(region__in=regions_above(district_id)), role=Role.ADMIN, is_superuser=False
    )


def district_admins(district):
    """The admins of ``district``'s own office: those who close its tasks and problems."""
    return _active().filter(region_id=getattr(district, "pk", district), role=Role.ADMIN, is_superuser=False)
