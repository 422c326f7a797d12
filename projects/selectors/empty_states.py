"""What a page says when it has nothing to show: whether a year's list exists at all, and whom a
person with nothing in their scope should ask."""

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
