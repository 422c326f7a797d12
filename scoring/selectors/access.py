"""Who may see and change what in scoring — the one place every page, export and the bulletin ask.

The ranking of a district (every street's and unit's place and total) is read by everyone who may
read the district's figures (scoping.visible_regions): its office and the offices above, its staff
and its leaders. A subject's breakdown (the points per criterion and the items behind them) is read
by the offices and the district's leaders in full, and by a staff user only for the streets and
units they serve (a street office's staff: their street). Schemes, adjustments and freezing belong
to the offices that manage the district (scoping.managed_rows)."""

from accounts.roles import is_leader, is_office_admin, is_staff_reporter
from projects.scoping import managed_rows, visible_regions
from scoring.choices import SubjectKind
from scoring.models import Scheme

EVERY = None  # breakdown_keys: no restriction


def visible_schemes(user):
    """The schemes of the districts whose figures the user may read."""
    return Scheme.objects.filter(district__in=visible_regions(user).values("pk"))


def managed_schemes(user):
    """The schemes the user may edit, adjust and freeze: those of districts their office manages."""
    return Scheme.objects.filter(managed_rows(user, "district"))


def may_manage(user, scheme):
    return is_office_admin(user) and managed_schemes(user).filter(pk=scheme.pk).exists()


def breakdown_keys(user, scheme, kind):
    """The ids of the streets or units (``kind``) whose breakdown the user may read in ``scheme``:
    EVERY (None) for offices and the district's leaders; a staff user's own; else none."""
    if not visible_schemes(user).filter(pk=scheme.pk).exists():
        return frozenset()
    if is_office_admin(user) or is_leader(user):
        return EVERY
    if not is_staff_reporter(user):
        return frozenset()
    if kind == SubjectKind.STREET:
        own = set(user.streets.values_list("pk", flat=True))
        own |= set(user.units.filter(street__isnull=False).values_list("street_id", flat=True))
        return frozenset(own)
    return frozenset(user.units.values_list("pk", flat=True))


def may_see_breakdown(user, scheme, kind, key):
    keys = breakdown_keys(user, scheme, kind)
    return keys is EVERY or key in keys
