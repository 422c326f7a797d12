"""Two senders (and two planners) at once on PostgreSQL, in threads with connections of their own:
each outbox message reaches the robot exactly once, each reminder is written once."""

import threading
from datetime import date

import pytest
from django.db import connection

from accounts.models import Role, User
from dispatch.choices import DeliveryStatus, NotificationKind
from dispatch.models import Notification, OutboxMessage
from dispatch.services import reminders
from dispatch.services.delivery import deliver_due
from dispatch.services.notify import notify
from dispatch.services.reminders import plan_reminders
from tests.dispatch.test_tasks_races import wait_until_someone_waits_for_a_lock
from tests.dispatch.webhook_server import FakeRobot
from tests.projects.test_write_races import run_in_thread

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
        received = [content.split("\n")[0] for content in robot.contents()]  # the title: its first line
    assert all(not isinstance(result, Exception) for result in results.values()), results
    assert sorted(received) == sorted(titles)  # every message arrived, none twice
    assert sum(result.sent for result in results.values()) == MESSAGES
    assert all(result.sent > 0 for result in results.values())  # both senders really worked at once
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_two_planners_at_once_write_each_reminder_once(settings, demo, monkeypatch):
    """The first planner is held inside the transaction of its first reminder, written but not
    committed; the second runs meanwhile and must wait for that reminder's (user, key), then write
    nothing twice."""
    settings.KP_TODAY = date(2015, 10, 20)
    inside, release, original, held = threading.Event(), threading.Event(), reminders.notify, []

    def notify_then_hold(*args, **kwargs):
        written = original(*args, **kwargs)
        if written and not held:  # the first reminder written, by the first planner
            held.append(written)
            inside.set()
            assert release.wait(30)
        return written

    monkeypatch.setattr(reminders, "notify", notify_then_hold)
    outcomes = {}
    first = run_in_thread(outcomes, "first", plan_reminders)
    assert inside.wait(30)
    second = run_in_thread(outcomes, "second", plan_reminders)
    assert wait_until_someone_waits_for_a_lock()  # the second planner waits on the first's reminder
    release.set()
    first.join(120)
    second.join(120)
    assert [outcomes[name][0] for name in ("first", "second")] == ["ok", "ok"], outcomes
    written = sum(sum(outcomes[name][1].values()) for name in ("first", "second"))
    keyed = Notification.objects.exclude(key="")
    assert written == keyed.count() > 0
    assert keyed.values("user", "key").distinct().count() == keyed.count()  # each reminder exists once
    held_key = held[0][0].key
    assert Notification.objects.filter(user=held[0][0].user, key=held_key).count() == 1
