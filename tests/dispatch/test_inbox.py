"""The inbox (消息): a user sees, opens and reads only their own notifications; the top bar counts
the unread with one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.choices import NotificationKind
from dispatch.models import Notification
from dispatch.services.notify import notify

INBOX = reverse("dispatch:inbox")


def tell(user, title, link="/projects/"):
    (notification,) = notify([user], kind=NotificationKind.INSTRUCTION, title=title, link=link)
    return notification


@pytest.fixture
def inbox(users):
    staff, other = users["staff_a"], users["staff_b"]
    Notification.objects.all().delete()
    read = tell(staff, "已读的旧消息")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    return {"staff": staff, "other": other, "read": read, "unread": tell(staff, "未读的新消息"),
            "others": tell(other, "别人的消息")}  # fmt: skip


def titles(response):
    return [n.title for n in response.context["notifications"]]


def test_the_list_shows_ones_own_unread_first(client_for, inbox):
    tell(inbox["staff"], "最新的消息")
    Notification.objects.filter(title="最新的消息").update(read_at=inbox["read"].created_at)
    response = client_for("staff_a").get(INBOX)
    assert response.status_code == 200
    assert titles(response) == ["未读的新消息", "最新的消息", "已读的旧消息"]
    assert "别人的消息" not in response.content.decode()
    assert 'class="data phone-cards inbox"' in response.content.decode()


def test_the_unread_filter(client_for, inbox):
    client = client_for("staff_a")
    assert titles(client.get(INBOX, {"show": "unread"})) == ["未读的新消息"]
    assert titles(client.get(INBOX, {"show": "everything"})) == ["未读的新消息", "已读的旧消息"]  # unknown: all


def test_the_list_is_paginated(client_for, inbox):
    for number in range(35):
        tell(inbox["staff"], f"批量消息{number}")
    client = client_for("staff_a")
    assert len(titles(client.get(INBOX))) == 30
    assert len(titles(client.get(INBOX, {"page": 2}))) == 7
    assert len(titles(client.get(INBOX, {"page": "abc"}))) == 30  # a bad page number: the first page


@pytest.mark.parametrize("method", ["get", "post"])
def test_opening_a_notification_reads_it_and_follows_its_link(client_for, inbox, method):
    unread = inbox["unread"]
    response = getattr(client_for("staff_a"), method)(reverse("dispatch:notification_open", args=[unread.pk]))
    assert (response.status_code, response["Location"]) == (302, "/projects/")
    unread.refresh_from_db()
    assert unread.read_at is not None
    first_read = unread.read_at
    client_for("staff_a").get(reverse("dispatch:notification_open", args=[unread.pk]))
    unread.refresh_from_db()
    assert unread.read_at == first_read  # opened again: still read since the first time


def test_someone_elses_notification_is_not_found_and_stays_unread(client_for, inbox):
    others = inbox["others"]
    response = client_for("staff_a").post(reverse("dispatch:notification_open", args=[others.pk]))
    assert response.status_code == 404
    others.refresh_from_db()
    assert others.read_at is None


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_a_link_that_is_not_a_local_path_leads_back_to_the_inbox(client_for, inbox, link):
    note = tell(inbox["staff"], "外部链接", link=link)
    response = client_for("staff_a").get(reverse("dispatch:notification_open", args=[note.pk]))
    assert response["Location"] == INBOX


def test_read_all_reads_only_ones_own(client_for, inbox):
    client = client_for("staff_a")
    response = client.post(reverse("dispatch:inbox_read_all"), follow=True)
    assert "已将 1 条消息标为已读。" in response.content.decode()
    assert not Notification.objects.filter(user=inbox["staff"], read_at__isnull=True).exists()
    inbox["others"].refresh_from_db()
    assert inbox["others"].read_at is None
    assert "没有未读消息。" in client.post(reverse("dispatch:inbox_read_all"), follow=True).content.decode()
    assert client.get(reverse("dispatch:inbox_read_all")).status_code == 405


def test_the_top_bar_counts_the_unread_with_one_query(client_for, inbox):
    tell(inbox["staff"], "再来一条")
    client = client_for("staff_a")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:problem_list"))
    inbox_queries = [q["sql"] for q in queries.captured_queries if "dispatch_notification" in q["sql"]]
    assert len(inbox_queries) == 1
    assert 'aria-label="2条未读"' in response.content.decode()
    assert reverse("profile") in response.content.decode()  # 个人设置 in the account area
