"""催报: the office reminds the staff whose listings have no submitted report for a month."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from accounts.models import Role
from accounts.roles import is_office_admin
from projects import clock, events
from projects.models import MonthlyReport, Project
from projects.periods import Period
from projects.selectors.reporting import missing_reports
from projects.services.errors import PermissionDenied, ValidationError


def report_keepers(listings):
    """The active staff who keep ``listings`` (a queryset of Listing): those serving the street or
    the unit of one of their projects, as projects.scoping lets staff keep them."""
    projects = Project.objects.filter(pk__in=listings.values("project"))
    served = Q(streets__in=projects.values("street")) | Q(units__in=projects.values("unit"))
    staff = get_user_model().objects.filter(is_active=True, is_superuser=False, role=Role.STAFF)
    return staff.filter(pk__in=staff.filter(served).values("pk")).order_by("pk")


def reports_chase(*, user, year, month):
    """Remind the staff keeping the office's listings still missing ``year``/``month``'s report
    (selectors.reporting.missing_reports): sends projects.events.reports_chased in a transaction
    (dispatch turns it into notifications) and returns how many people were reminded."""
    if not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以催报。")
    if not 1 <= month <= 12:
        raise ValidationError("月份必须在1到12之间。")
    if Period(year, month) >= Period.of(clock.today()):
        raise ValidationError(f"{year}年{month}月还没有结束，还不能催报。")
    missing = missing_reports(user=user, year=year, month=month)
    if not missing.exists():
        raise ValidationError(f"{year}年{month}月的项目均已报送，无需催报。")
    with transaction.atomic():
        people = list(report_keepers(missing))
        if not people:
            raise ValidationError(f"{year}年{month}月未报送的项目没有负责的填报员账号，无法发送催报提醒。")
        events.reports_chased.send(sender=MonthlyReport, year=year, month=month, users=people, by=user)
    return len(people)
