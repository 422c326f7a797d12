"""Two people saving one approval item (or adding one name) at the same moment: the check and the
write are one step under a row lock, so the later save is refused instead of overwriting (PostgreSQL
only, where transactions truly run side by side; SQLite runs writers one at a time)."""

from datetime import date

import pytest
from django.db import connection

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from approvals.services import items as item_services
from approvals.services.items import item_add, item_update
from projects.models import Project
from tests.projects.test_write_races import run_in_thread, slow_first_save

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]

PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


def test_two_saves_from_the_same_form_state_one_wins_the_other_is_refused(users, monkeypatch):
    item = ApprovalItem.objects.create(project=Project.objects.get(name=PROJECT_A), name="立项备案", time_limit_days=5)
    opened_at = item.updated_at
    inside, outcomes = slow_first_save(monkeypatch, item_services), {}

    def save(user, **change):
        return lambda: item_update(
            user=user, item=ApprovalItem.objects.get(pk=item.pk), expected_updated_at=opened_at, **change
        )

    first = run_in_thread(
        outcomes, "admin", save(users["admin"], status=ItemStatus.IN_PROGRESS, submitted_date=date(2015, 10, 9))
    )
    assert inside.wait(10)
    second = run_in_thread(outcomes, "staff", save(users["staff_a"], status=ItemStatus.NOT_NEEDED, notes="不涉及"))
    first.join(15)
    second.join(15)
    assert outcomes["admin"][0] == "ok"
    assert outcomes["staff"][0] == "ItemConflict"
    assert "卫东区项目办管理员（示例）" in outcomes["staff"][1].messages[0]
    item.refresh_from_db()
    assert (item.status, item.submitted_date, item.notes) == (ItemStatus.IN_PROGRESS, date(2015, 10, 9), "")
    assert item.history.count() == 2  # created, then the admin's save: the staff's never landed


def test_two_admins_adding_the_same_name_at_once_get_one_item(users, monkeypatch, django_user_model):
    project = Project.objects.get(name=PROJECT_A)
    second_admin = django_user_model.objects.create_user(
        "admin2", password="kp-test-Pass-2015", role=users["admin"].role, region=users["admin"].region
    )
    inside, outcomes = slow_first_save(monkeypatch, item_services), {}

    def add(user):
        return lambda: item_add(
            user=user, project=project, name="环评批复", department=None, time_limit_days=20,
            blocks_start=True, planned_date=None,
        )  # fmt: skip

    first = run_in_thread(outcomes, "first", add(users["admin"]))
    assert inside.wait(10)
    second = run_in_thread(outcomes, "second", add(second_admin))
    first.join(15)
    second.join(15)
    assert outcomes["first"][0] == "ok"
    assert outcomes["second"][0] == "ValidationError"  # a clear message, not an IntegrityError
    assert "该项目已有名为「环评批复」的事项。" in outcomes["second"][1].messages
    assert project.approval_items.filter(name="环评批复").count() == 1
    assert outcomes["first"][1].name == "环评批复"
