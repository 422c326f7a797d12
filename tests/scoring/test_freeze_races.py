"""Two office admins freezing one period at the same moment: freezing takes the scheme's row lock and
checks for a sheet under it, so exactly one sheet is stored and the other admin is told, in Chinese,
that the period is frozen already (PostgreSQL only, where transactions truly run side by side)."""

import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from scoring.choices import PeriodKind
from scoring.models import ScoreSheet
from scoring.periods import ScorePeriod
from scoring.services import freeze
from tests.projects.test_write_races import run_in_thread
from tests.scoring.conftest import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]

AUGUST = ScorePeriod(PeriodKind.MONTH, 2015, 8)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


def slow_first_freeze(monkeypatch):
    """Make the first freeze hold its transaction (and the scheme's lock) a second after computing
    what it stores; return the event set once it has."""
    inside, original, calls = threading.Event(), freeze.frozen_content, []

    def slow(*args, **kwargs):
        content = original(*args, **kwargs)
        calls.append(content)
        if len(calls) == 1:
            inside.set()
            time.sleep(1)
        return content

    monkeypatch.setattr(freeze, "frozen_content", slow)
    return inside, calls


def test_two_freezes_at_once_store_one_sheet(scheme, users, django_user_model, monkeypatch):
    second_admin = django_user_model.objects.create_user(
        "admin2", password="kp-test-Pass-2015", role=users["admin"].role, region=users["admin"].region
    )
    inside, calls = slow_first_freeze(monkeypatch)
    outcomes = {}
    first = run_in_thread(
        outcomes, "first", lambda: freeze.sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    )
    assert inside.wait(30)
    second = run_in_thread(
        outcomes, "second", lambda: freeze.sheet_freeze(user=second_admin, scheme=scheme, period=AUGUST, today=TODAY)
    )
    first.join(60)
    second.join(60)
    assert outcomes["first"][0] == "ok"
    assert outcomes["second"][0] == "ValidationError"
    assert outcomes["second"][1].messages == ["2015年8月的考核结果已经定稿，不能重复定稿。"]
    assert len(calls) == 1  # the second waited on the lock and never computed a sheet
    stored = ScoreSheet.objects.filter(scheme=scheme, period_kind="month", number=8)
    assert stored.count() == 1
    assert stored.get().frozen_by == users["admin"]


def test_the_page_tells_the_second_admin(scheme, users, django_user_model, monkeypatch):
    """The same race through the freeze button: the loser's page says the period is frozen already."""
    second_admin = django_user_model.objects.create_user(
        "admin3", password="kp-test-Pass-2015", role=users["admin"].role, region=users["admin"].region
    )
    inside, _ = slow_first_freeze(monkeypatch)
    url = reverse("scoring:sheet_freeze", args=[scheme.pk])
    outcomes = {}

    def press(user):
        def work():
            browser = Client()
            browser.force_login(user)
            response = browser.post(url, {"year": 2015, "period": "month-8"}, follow=True)
            # the page's own words: the test client's captured context is shared between threads
            return re.findall(r'<li class="message [^"]*">([^<]*)</li>', response.content.decode())

        return work

    first = run_in_thread(outcomes, "first", press(users["admin"]))
    assert inside.wait(30)
    second = run_in_thread(outcomes, "second", press(second_admin))
    first.join(60)
    second.join(60)
    assert outcomes["first"] == ("ok", ["2015年8月考核结果已定稿，此后数据和方案的变化不再影响本期得分。"])
    assert outcomes["second"] == ("ok", ["未定稿：2015年8月的考核结果已经定稿，不能重复定稿。"])
    assert ScoreSheet.objects.filter(scheme=scheme).count() == 1
