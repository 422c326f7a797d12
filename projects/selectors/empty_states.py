"""What a page says when it has nothing to show: whether a year's list exists at all, and whom a
person with nothing in their scope should ask."""

from enum import StrEnum

from django.contrib.auth import get_user_model

from accounts.models import Role
from projects.choices import Level
from projects.models import Listing
from projects.scoping import home_region, node_projects


def year_listed(*, user, year, level=None, region=None):
    """Whether the node (``region``, else the user's own: scoping.home_region) has any listing of
    ``year`` (at ``level`` when given): a year nobody imported is said so, not shown as zeros."""
    region = region if region is not None else home_region(user)
    listings = Listing.objects.filter(node_projects(user, region, "project__"), year=year)
    if level:
        listings = listings.filter(level=level)
    return listings.exists()


class EmptyList(StrEnum):
    NO_LISTINGS = "no_listings"  # the year (at the level) has no list in the user's node
    NO_MATCH = "no_match"  # the filters match nothing
    OUT_OF_SCOPE = "out_of_scope"  # a list exists, none of it is the user's


def empty_list_reason(*, user, year, level=None, narrowed=()):
    """Why a list of a year's listings came out empty, ``narrowed`` naming the filters applied
    besides year and level: a year without a list comes first, as clearing filters would not help."""
    if year is not None and not year_listed(user=user, year=year, level=level):
        return EmptyList.NO_LISTINGS
    if narrowed:
        return EmptyList.NO_MATCH
    return EmptyList.OUT_OF_SCOPE


def no_listings_text(*, year, level=None):
    """ "2017年没有市重点项目清单" (or "…没有重点项目清单" for every level)."""
    label = Level(level).label if level in Level.values else "重点"
    return f"{year}年没有{label}项目清单。"


def office_admin_names(user):
    """The names of the active admins of the user's own office (the node the user belongs to), to
    tell someone with nothing in their scope whom to ask; [] when the node has none."""
    if not user.region_id:
        return []
    admins = get_user_model().objects.filter(region_id=user.region_id, role=Role.ADMIN, is_active=True)
    return [admin.get_full_name() or admin.username for admin in admins.order_by("username")]
