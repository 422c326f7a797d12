"""An item an admin deleted while someone else had its page open: the save or the second deletion is
refused with a message, never a server error, and nothing comes back (on PostgreSQL, with the two
transactions truly side by side)."""

import threading
import time
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from approvals.services import items as item_services
from approvals.services.items import item_delete, item_update
from approvals.views import items as item_views
from projects.models import Project
from tests.projects.test_write_races import run_in_thread

PROJECT_A = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道: staff_a's
GONE = "该事项已被删除，未保存。"


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


def new_item(name="立项备案"):
    return ApprovalItem.objects.create(project=Project.objects.get(name=PROJECT_A), name=name, time_limit_days=5)


def deleted_by_admin(item, admin):
    item_delete(user=admin, item=ApprovalItem.objects.get(pk=item.pk), reason="重复录入")


@pytest.mark.usefixtures("without_demo_approvals")
@pytest.mark.parametrize("role", ["staff_a", "admin"])
def test_saving_an_item_deleted_since_the_form_was_read_says_so(users, role):
    item = new_item()
    deleted_by_admin(item, users["admin"])
    with pytest.raises(ValidationError) as error:
        item_update(user=users[role], item=item, expected_updated_at=item.updated_at, status=ItemStatus.NOT_NEEDED)
    assert error.value.messages == [GONE]
    assert not ApprovalItem.objects.filter(pk=item.pk).exists()


@pytest.mark.usefixtures("without_demo_approvals")
def test_an_item_deleted_between_the_check_and_the_save_says_so(users, monkeypatch):
    """The narrowest window: the keeper's check passed, the row went before the lock was taken."""
    item = new_item()
    keepable = item_services.item_keepable

    def keepable_then_deleted(user, checked):
        answer = keepable(user, checked)
        deleted_by_admin(checked, users["admin"])
        return answer

    monkeypatch.setattr(item_services, "item_keepable", keepable_then_deleted)
    with pytest.raises(ValidationError) as error:
        item_update(user=users["staff_a"], item=item, expected_updated_at=item.updated_at, notes="补充说明")
    assert error.value.messages == [GONE]
    assert not ApprovalItem.objects.filter(pk=item.pk).exists()


@pytest.mark.usefixtures("without_demo_approvals")
def test_deleting_an_item_twice_says_it_is_gone(users):
    item = new_item()
    deleted_by_admin(item, users["admin"])
    with pytest.raises(ValidationError) as error:
        item_delete(user=users["admin"], item=item, reason="重复录入")
    assert error.value.messages == ["该事项已被删除。"]
    assert ApprovalItem.history.filter(id=item.pk, history_type="-").count() == 1


@pytest.mark.usefixtures("without_demo_approvals")
def test_the_pages_show_the_message_when_the_item_went_after_they_read_it(users, client_for, monkeypatch):
    item = new_item()
    update, delete = item_views.item_update, item_views.item_delete

    def update_after_deletion(**kwargs):
        deleted_by_admin(kwargs["item"], users["admin"])
        return update(**kwargs)

    monkeypatch.setattr(item_views, "item_update", update_after_deletion)
    data = {
        "status": ItemStatus.IN_PROGRESS,
        "submitted_date": "2015-10-09",
        "planned_date": "",
        "approved_date": "",
        "document_number": "",
        "notes": "",
        "updated_at": item.updated_at.isoformat(),
    }
    response = client_for("staff_a").post(reverse("approvals:item_edit", args=[item.pk]), data)
    assert response.status_code == 200
    assert GONE in response.context["form"].non_field_errors()
    assert GONE in response.content.decode()

    second = new_item("施工许可")

    def delete_after_deletion(**kwargs):
        deleted_by_admin(kwargs["item"], users["admin"])
        return delete(**kwargs)

    monkeypatch.setattr(item_views, "item_delete", delete_after_deletion)
    response = client_for("admin").post(reverse("approvals:item_delete", args=[second.pk]), {"reason": "不涉及"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["未删除「施工许可」：该事项已被删除。"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions")
def test_a_save_waiting_on_a_deletion_is_refused_once_it_commits(users, monkeypatch):
    """The admin's deletion holds the row; the staff's save waits on the lock, finds no row once the
    deletion commits, and says so."""
    item = new_item()
    inside, original = threading.Event(), item_services.attachment_replaced

    def slow(old_file):
        original(old_file)
        inside.set()
        time.sleep(1)

    monkeypatch.setattr(item_services, "attachment_replaced", slow)
    outcomes = {}
    deleting = run_in_thread(outcomes, "admin", lambda: item_delete(user=users["admin"], item=item, reason="重复录入"))
    assert inside.wait(10)
    saving = run_in_thread(
        outcomes,
        "staff",
        lambda: item_update(user=users["staff_a"], item=item, expected_updated_at=item.updated_at, notes="补充说明"),
    )
    deleting.join(15)
    saving.join(15)
    assert outcomes["admin"][0] == "ok"
    assert outcomes["staff"][0] == "ValidationError"
    assert outcomes["staff"][1].messages == [GONE]
    assert not ApprovalItem.objects.filter(pk=item.pk).exists()
