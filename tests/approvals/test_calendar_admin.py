"""The shared tables in the admin: an office admin enters a holiday of a year chinese-calendar does
not know, and the due dates of the items submitted before it move (approvals.signals); adds a
division a project code may name. Staff and leaders never reach them."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from approvals.models import ApprovalItem
from projects.models import CalendarDay, DayKind, Division, Project
from projects.project_codes import project_code_problem
from projects.workdays import calendar_needs_checking

pytestmark = pytest.mark.usefixtures("demo")

YEAR = 2030  # past chinese-calendar's data: weekends and the office's calendar decide


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def item():
    """An item submitted on Wednesday 2030-09-25 with 5 working days: due Wednesday 10-02 while
    the office has entered nothing for 2030."""
    project = Project.objects.get(name="上徐机械加工工业园")
    return ApprovalItem.objects.create(
        project=project, name="演示事项（2030）", time_limit_days=5, submitted_date=date(YEAR, 9, 25)
    )


def test_an_office_admin_adds_a_holiday_and_the_due_date_moves(users, item):
    assert item.due_date == date(YEAR, 10, 2)
    assert calendar_needs_checking(YEAR)
    office = signed_in(users["admin"])
    response = office.post(
        reverse("admin:projects_calendarday_add"), {"day": f"{YEAR}-10-01", "kind": DayKind.HOLIDAY, "name": "国庆节"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(day=date(YEAR, 10, 1))
    assert day.history.latest().history_user == users["admin"]
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 3)
    assert not calendar_needs_checking(YEAR)

    # A 调休 Sunday inside the span brings it back a day.
    office.post(
        reverse("admin:projects_calendarday_add"),
        {"day": f"{YEAR}-09-29", "kind": DayKind.WORKDAY, "name": "国庆节调休"},
    )
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 2)

    # Changed to a working day and deleted in the admin: the due date follows each time.
    response = office.post(
        reverse("admin:projects_calendarday_change", args=[day.pk]),
        {"day": f"{YEAR}-10-01", "kind": DayKind.WORKDAY, "name": "国庆节"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 1)
    sunday = CalendarDay.objects.get(day=date(YEAR, 9, 29))
    response = office.post(reverse("admin:projects_calendarday_delete", args=[sunday.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=sunday.pk).exists()
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 2)  # 9-25 + 5: 9-26, 9-27, 9-30, 10-1, 10-2


def test_a_day_after_the_due_date_or_before_the_submission_changes_nothing(users, item):
    office = signed_in(users["admin"])
    for day in (f"{YEAR}-10-08", f"{YEAR}-09-24"):
        office.post(reverse("admin:projects_calendarday_add"), {"day": day, "kind": DayKind.HOLIDAY, "name": "演示"})
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 2)


def test_a_day_moved_to_another_date_refreshes_around_both(users, item):
    """A holiday entered on the wrong date and moved (10-01 → 09-02, before the submission): the item
    counted across 10-01 is recomputed without it, though 09-02 is nowhere near its span."""
    office = signed_in(users["admin"])
    office.post(
        reverse("admin:projects_calendarday_add"), {"day": f"{YEAR}-10-01", "kind": DayKind.HOLIDAY, "name": "国庆节"}
    )
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 3)
    day = CalendarDay.objects.get(day=date(YEAR, 10, 1))
    response = office.post(
        reverse("admin:projects_calendarday_change", args=[day.pk]),
        {"day": f"{YEAR}-09-02", "kind": DayKind.HOLIDAY, "name": "国庆节"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 2)

    # Moved forward onto the item's span, the new date counts.
    response = office.post(
        reverse("admin:projects_calendarday_change", args=[day.pk]),
        {"day": f"{YEAR}-09-30", "kind": DayKind.HOLIDAY, "name": "国庆节"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_date == date(YEAR, 10, 3)


@pytest.mark.parametrize("typed", ["0001-03-01", "0002-12-31", "2101-01-01"])
def test_a_day_outside_the_lists_years_is_refused_in_chinese(users, item, typed):
    """A year typed short (0001 for 2001) is refused by the admin's form, naming the years a day may
    have; nothing is stored and no due date moves."""
    office = signed_in(users["admin"])
    before = item.due_date
    response = office.post(
        reverse("admin:projects_calendarday_add"), {"day": typed, "kind": DayKind.HOLIDAY, "name": "误录"}
    )
    assert response.status_code == 200
    assert "日期应在 2000 年至 2100 年之间。" in response.content.decode()
    assert not CalendarDay.objects.filter(name="误录").exists()
    item.refresh_from_db()
    assert item.due_date == before


def test_the_refresh_reaches_back_no_further_than_the_first_date():
    """The refresh itself stays safe for any date (a row written around the form, e.g. by a script)."""
    from approvals.services.deadlines import deadlines_refresh

    assert deadlines_refresh(around=date(1, 3, 1)) == 0


def test_a_day_entered_twice_is_refused_in_chinese(users):
    office = signed_in(users["admin"])
    url = reverse("admin:projects_calendarday_add")
    office.post(url, {"day": f"{YEAR}-05-01", "kind": DayKind.HOLIDAY, "name": "劳动节"})
    response = office.post(url, {"day": f"{YEAR}-05-01", "kind": DayKind.WORKDAY, "name": "重复"})
    assert response.status_code == 200
    assert "已存在" in response.context["adminform"].form.errors["day"][0]
    assert CalendarDay.objects.get(day=date(YEAR, 5, 1)).kind == DayKind.HOLIDAY


def test_every_office_admin_reads_the_shared_tables(users, django_user_model):
    city = django_user_model.objects.get(username="city")
    for user in (users["admin"], city):
        client = signed_in(user)
        assert client.get(reverse("admin:projects_calendarday_changelist")).status_code == 200
        assert client.get(reverse("admin:projects_division_changelist")).status_code == 200
        assert client.get(reverse("admin:projects_calendarday_add")).status_code == 200


@pytest.mark.parametrize("role", ["staff_a", "staff_b", "leader"])
def test_staff_and_leaders_cannot_reach_the_admin(client_for, role):
    client = client_for(role)
    for name in (
        "admin:projects_calendarday_changelist",
        "admin:projects_calendarday_add",
        "admin:projects_division_changelist",
        "admin:projects_division_add",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    response = client.post(
        reverse("admin:projects_calendarday_add"), {"day": f"{YEAR}-10-01", "kind": DayKind.HOLIDAY, "name": "越权"}
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(day=date(YEAR, 10, 1)).exists()
    response = client.post(reverse("admin:projects_division_add"), {"code": "420102", "name": "越权"})
    assert response.status_code == 403
    assert not Division.objects.filter(code="420102").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client_for):
    response = client_for("anonymous").get(reverse("admin:projects_calendarday_changelist"))
    assert response.status_code == 302 and "login" in response.url


def test_an_office_admin_adds_a_division_and_codes_naming_it_become_valid(users):
    code = "2015-420102-47-01-000001"
    assert "420102 不在已知区划表中" in project_code_problem(code)
    office = signed_in(users["admin"])
    response = office.post(reverse("admin:projects_division_add"), {"code": "420102", "name": "武汉市江岸区"})
    assert response.status_code == 302
    division = Division.objects.get(code="420102")
    assert division.history.latest().history_user == users["admin"]
    assert project_code_problem(code) is None


def test_a_division_that_is_not_six_digits_is_refused(users):
    office = signed_in(users["admin"])
    response = office.post(reverse("admin:projects_division_add"), {"code": "42010", "name": "五位代码"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Division.objects.filter(name="五位代码").exists()
