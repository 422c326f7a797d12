"""The figures cache (projects.freshness) and dispatch: a task or a meeting renews the data version
like any write a page may show beside figures; the inbox and the outbox, written every minute by
send_notifications and by every event, do not."""

import pytest
from django.db import transaction

from dispatch.choices import DeliveryStatus, NotificationKind
from dispatch.models import Notification, OutboxMessage
from dispatch.services.delivery import deliver_due
from dispatch.services.notify import notify
from projects.freshness import data_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_notifications_and_their_delivery_leave_the_data_version_alone(users, mailoutbox):
    staff = users["staff_a"]
    staff.notify_by_email = True
    staff.email = "staff@example.com"
    staff.save()
    before = data_version()
    with transaction.atomic():
        notify([staff], kind=NotificationKind.TASK_ASSIGNED, title="新交办事项")
    assert Notification.objects.filter(user=staff).count() == 1
    assert OutboxMessage.objects.filter(notification__user=staff).count() == 1
    assert data_version() == before
    assert deliver_due().sent == 1  # email, through pytest-django's locmem backend
    assert [mail.to for mail in mailoutbox] == [["staff@example.com"]]
    assert OutboxMessage.objects.get(notification__user=staff).status == DeliveryStatus.SENT
    assert data_version() == before
    Notification.objects.filter(user=staff).get().delete()
    assert data_version() == before


def test_a_task_renews_the_data_version(users):
    from dispatch.models import Task
    from projects.models import Unit

    before = data_version()
    unit = Unit.objects.filter(street__isnull=False).first()
    Task.objects.create(
        district=unit.district, owner=unit, content="测试交办", assigned_on="2015-10-20", deadline="2015-10-30"
    )
    assert data_version() != before
