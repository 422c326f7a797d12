"""The places and people the list pages offer to choose from (the filters' districts, streets,
units and leaders, the 批量修改 bar's), read once per data version and user (projects.freshness)
instead of on every page view."""

from dataclasses import dataclass

from projects.choices import RegionKind
from projects.freshness import cached_figure
from projects.models import Leader, Region, Street, Unit
from projects.scoping import home_region, managed_rows, visible_regions


@dataclass(frozen=True)
class NodeChoices:
    """The choices under a set of nodes (``regions``, ids), as (pk, label) pairs in the models' order."""

    regions: tuple
    districts: list
    streets: list
    units: list
    leaders: list
    active_leaders: list

    @property
    def several_districts(self):
        return len(self.districts) > 1

    # The rows a chosen value is checked against: the same as the choices.
    def district_rows(self):
        return Region.objects.filter(pk__in=self.regions, kind=RegionKind.DISTRICT)

    def street_rows(self):
        return Street.objects.filter(district__in=self.regions)

    def unit_rows(self):
        return Unit.objects.filter(district__in=self.regions)

    def leader_rows(self):
        return Leader.objects.filter(region__in=self.regions)


def _pairs(queryset):
    return [(row.pk, str(row)) for row in queryset]


def node_choices(regions, *, same_as=None):
    """NodeChoices of the nodes of the Region queryset ``regions``: ``same_as`` (a NodeChoices)
    when it is of the same nodes. Four queries at most."""
    nodes = list(regions.order_by("code").values_list("pk", "kind", "name"))
    ids = tuple(sorted(pk for pk, kind, name in nodes))
    if same_as is not None and same_as.regions == ids:
        return same_as
    leaders = [(row.pk, str(row), row.is_active) for row in Leader.objects.filter(region__in=ids)]
    return NodeChoices(
        regions=ids,
        districts=[(pk, name) for pk, kind, name in nodes if kind == RegionKind.DISTRICT],
        streets=_pairs(Street.objects.filter(district__in=ids)),
        units=_pairs(Unit.objects.filter(district__in=ids)),
        leaders=[(pk, label) for pk, label, active in leaders],
        active_leaders=[(pk, label) for pk, label, active in leaders if active],
    )


@dataclass(frozen=True)
class UserChoices:
    visible: NodeChoices  # of the nodes the user may read (scoping.visible_regions): the filters
    managed: NodeChoices  # of the nodes the user manages (scoping.managed_rows): 批量修改
    home_region: Region | None  # scoping.home_region


def user_choices(user):
    """UserChoices of ``user``, reused while the data has not changed. What they are computed from
    is data (the regions, places and people; the user's row, whose writes renew the data version)
    and the user's scope, which the key holds as well: an entry serves its own user only."""

    def compute():
        visible = node_choices(visible_regions(user))
        return UserChoices(
            visible=visible,
            managed=node_choices(Region.objects.filter(managed_rows(user, "pk")), same_as=visible),
            home_region=home_region(user),
        )

    scope = (user.pk, user.is_active, user.is_superuser, getattr(user, "role", ""), user.region_id)
    return cached_figure("user-choices", compute, *scope)
