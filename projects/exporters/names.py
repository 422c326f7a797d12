"""What an export is called when it is filed: the office (and the part of it the file holds), the
year and the months, e.g. "卫东区2015年1-9月问题台账"."""

from projects.scoping import home_region, home_region_id, scope_description
from projects.selectors.reporting import figures_period


def office_words(user):
    """The office a user's files come from and the part of it they hold: "卫东区", "卫东区北环路街道",
    "卫东区王某联系的"; "" for the operator of an installation with several tops."""
    region = home_region(user)
    return f"{region.name if region else ''}{scope_description(user)}"


def default_period(user):
    """The period an export without one is filed under: the month figures stand at in the user's
    own districts (selectors.reporting.figures_period)."""
    return figures_period(region=home_region_id(user))


def filing_title(user, period, what):
    """ "卫东区2015年1-9月问题台账": the title and (with .xlsx) the file name of an export."""
    return f"{office_words(user)}{period.year}年1-{period.month}月{what}"
