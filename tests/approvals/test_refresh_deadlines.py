"""refresh_deadlines: every item's due date recomputed from the calendar as it now stands, as after
a chinese-calendar upgrade, or office days loaded without the admin's signals."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from approvals.models import ApprovalItem
from approvals.services import deadlines
from projects.models import CalendarDay, DayKind, Project

pytestmark = pytest.mark.usefixtures("without_demo_approvals")

YEAR = 2030  # past chinese-calendar's data: weekends and the office's calendar decide


@pytest.fixture
def renewals(monkeypatch):
    calls = []
    monkeypatch.setattr(deadlines, "data_changed", lambda: calls.append(1))
    return calls


def run(**options):
    out = StringIO()
    call_command("refresh_deadlines", stdout=out, **options)
    return out.getvalue().strip()


def test_every_item_counted_on_an_old_calendar_is_recomputed_in_batches(demo, renewals):
    project = Project.objects.get(name="上徐机械加工工业园")
    submitted = [
        ApprovalItem.objects.create(
            project=project, name=f"事项{n}", time_limit_days=5, submitted_date=date(YEAR, 9, 25), status="in_progress"
        )
        for n in range(3)
    ]
    same_day = ApprovalItem.objects.create(  # 即办: due the day it was submitted, whatever the calendar
        project=project, name="即办事项", time_limit_days=0, submitted_date=date(YEAR, 9, 25), status="in_progress"
    )
    planned = ApprovalItem.objects.create(project=project, name="未申报事项", planned_date=date(YEAR, 12, 1))
    assert {item.due_date for item in submitted} == {date(YEAR, 10, 2)}
    # The year's National Day arrives without the admin's signals (as a package upgrade brings it).
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=date(YEAR, 10, day), kind=DayKind.HOLIDAY, name="国庆节") for day in (1, 2)]
    )
    assert ApprovalItem.objects.get(pk=submitted[0].pk).due_date == date(YEAR, 10, 2)  # stale

    assert run(batch_size=2) == "已重算 5 个前期手续事项的办理期限，其中 3 个有变化。"
    assert {ApprovalItem.objects.get(pk=item.pk).due_date for item in submitted} == {date(YEAR, 10, 4)}
    assert ApprovalItem.objects.get(pk=same_day.pk).due_date == date(YEAR, 9, 25)
    assert ApprovalItem.objects.get(pk=planned.pk).due_date == date(YEAR, 12, 1)
    assert renewals == [1]  # the figures' caches are renewed once

    assert run() == "已重算 5 个前期手续事项的办理期限，其中 0 个有变化。"
    assert renewals == [1]  # nothing changed: no renewal


def test_a_batch_size_below_one_is_refused_in_chinese(db):
    with pytest.raises(CommandError, match="每批读取的事项数应为正整数"):
        run(batch_size=0)
