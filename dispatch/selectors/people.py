"""Who is told: the people a notification about a project, a unit's task or an office's work reaches."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from accounts.models import Role
from projects.models import Region


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


def acting_admins(district):
    """The admins who act on ``district``'s work (a Region or its id: close its tasks and problems):
    its own office's active admins, or, when it has none, those of the nearest office above it that
    has any (its city's, then its province's); none when no office has an active admin."""
    admins = _active().filter(role=Role.ADMIN, is_superuser=False)
    region_id = getattr(district, "pk", district)
    while region_id is not None:  # three tiers at most: district, city, province
        found = admins.filter(region_id=region_id)
        if found.exists():
            return found
        region_id = Region.objects.filter(pk=region_id).values_list("parent_id", flat=True).first()
    return admins.none()
