"""Issued bulletins a user may read (the one scoping rule of the archive, its pages and downloads),
what each is filed as, and the ones a new bulletin may correct.

An office admin reads the bulletins of the office's node and every node under it; a leader those
issued for their district (its streets' included); a staff user the district-wide ones of their
district and those of their own streets. The rule is built on projects.scoping, as every page's.
"""

from django.db.models import Q

from accounts.roles import is_leader, is_office_admin, is_staff_reporter
from bulletins.models import Bulletin
from projects.scoping import NOTHING, managed_rows, visible_regions


def _readable(user):
    if not (user.is_authenticated and user.is_active):
        return NOTHING
    if is_office_admin(user):
        return managed_rows(user, "region")
    district = Q(region__in=visible_regions(user).values("pk"))  # the leader's or staff user's own
    if is_leader(user):
        return district
    if is_staff_reporter(user):
        return (district & Q(street__isnull=True)) | Q(street__in=user.streets.values("pk"))
    return NOTHING


def readable_bulletins(user):
    """The issued bulletins ``user`` may list, open and download, newest first."""
    return (
        Bulletin.objects.filter(_readable(user))
        .select_related("region", "street", "replaces", "issued_by")
        .order_by("-issued_at", "-pk")
    )


def correctable_bulletins(*, office, year, month, level, street=None):
    """The issued bulletins a new one of the same office, period, level and street may replace:
    those not replaced already (a correction corrects the latest issue)."""
    return Bulletin.objects.filter(
        region=office, year=year, month=month, level=level, street=street, replaced_by__isnull=True
    ).order_by("number")


def document_name(bulletin):
    """ "卫东区2015年第1期1-9月市重点项目建设进展情况通报.docx": what an issued bulletin is filed as."""
    street = bulletin.street.name if bulletin.street_id else ""
    return (
        f"{bulletin.region.name}{bulletin.year}年第{bulletin.number}期{street}"
        f"1-{bulletin.month}月{bulletin.get_level_display()}项目建设进展情况通报.docx"
    )


def draft_document_name(draft):
    """ "卫东区2015年1-9月市重点项目建设进展情况通报（草稿）.docx"."""
    return f"{draft.title}（草稿）.docx"
