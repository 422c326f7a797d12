"""Two senders (and two planners) at once on PostgreSQL, in threads with connections of their own:
each outbox message reaches the robot exactly once, each reminder is written once."""

import threading
from datetime import date

import pytest
from django.db import connection

from accounts.models import Role, User
from dispatch.choices import DeliveryStatus, NotificationKind
from dispatch.models import Notification, OutboxMessage
from dispatch.services.delivery import deliver_due
from dispatch.services.notify import notify
from dispatch.services.reminders import plan_reminders
from tests.dispatch.webhook_server import FakeRobot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]

MESSAGES = 80


def run_together(work, names=("first", "second")):
    """Run ``work()`` in one thread per name, started at the same moment; {name: result or exception}."""
    results, start = {}, threading.Barrier(len(names))

    def run(name):
        try:
            start.wait(10)
            results[name] = work()
        except Exception as error:  # reported by the test's assertions
            results[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def test_two_senders_at_once_deliver_each_message_exactly_once(settings):
    settings.KP_NOTIFY_TIMEOUT = 5
    with FakeRobot(delay_seconds=0.01) as robot:  # each answer takes a moment: the senders interleave
        settings.KP_WECOM_WEBHOOK = robot.url
        users = [
            User.objects.create_user(f"concurrent-{i}", role=Role.STAFF, notify_by_wecom=True) for i in range(MESSAGES)
        ]
        titles = [f"第{i}条消息" for i in range(MESSAGES)]
        for user, title in zip(users, titles, strict=True):
            notify([user], kind=NotificationKind.TASK_ASSIGNED, title=title)
        results = run_together(deliver_due)
        received = robot.contents()
    assert all(not isinstance(result, Exception) for result in results.values()), results
    assert sorted(received) == sorted(titles)  # every message arrived, none twice
    assert sum(result.sent for result in results.values()) == MESSAGES
    assert all(result.sent > 0 for result in results.values())  # both senders really worked at once
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_two_planners_at_once_write_each_reminder_once(settings, demo):
    settings.KP_TODAY = date(2015, 10, 20)
    results = run_together(plan_reminders)
    assert all(not isinstance(result, Exception) for result in results.values()), results
    written = sum(sum(result.values()) for result in results.values())
    keyed = Notification.objects.exclude(key="")
    assert written == keyed.count() > 0
    assert keyed.values("user", "key").distinct().count() == keyed.count()
