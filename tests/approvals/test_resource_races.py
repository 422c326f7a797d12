"""Two people saving one project's 要素保障 or 入统 at the same moment, each from the page as they
opened it: the check of the version and the writes are one step under the project's row lock, so
the second is refused instead of silently overwriting the first (PostgreSQL only, where
transactions truly run side by side; SQLite runs writing transactions one at a time)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from approvals.choices import FundingSource
from approvals.models import Funding, StatisticsFigure
from approvals.services import resources, statistics
from approvals.services.resources import FundingInput, LandInput, resources_save, resources_version
from approvals.services.statistics import statistics_save, statistics_version
from projects.models import Project

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]

ZHENGSHUN = "市正顺化工公司技改10万吨/年洗油深加工"


def run_in_thread(outcomes, name, work):
    def target():
        try:
            outcomes[name] = ("ok", work())
        except Exception as error:  # recorded, then asserted on by the test
            outcomes[name] = (type(error).__name__, error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def slow_saves(monkeypatch, module):
    """The first save to write holds its transaction open a second after its first row; returns the
    event set once it has written."""
    inside, original = threading.Event(), module.audited_save

    def slow(obj, **kwargs):
        saved = original(obj, **kwargs)
        if not inside.is_set():
            inside.set()
            time.sleep(1)
        return saved

    monkeypatch.setattr(module, "audited_save", slow)
    return inside


def test_two_saves_from_the_same_page_version_do_not_both_land(users, monkeypatch):
    project = Project.objects.get(name=ZHENGSHUN)
    opened = resources_version(project=project, year=2015)
    inside = slow_saves(monkeypatch, resources)

    def save(user, planned):
        return resources_save(
            user=user,
            project=project,
            year=2015,
            land=LandInput(),
            fundings={source: FundingInput(planned=planned) for source in (FundingSource.FISCAL,)},
            expected_version=opened,
        )

    outcomes = {}
    first = run_in_thread(outcomes, "admin", lambda: save(users["admin"], Decimal("100")))
    assert inside.wait(10)
    second = run_in_thread(outcomes, "staff", lambda: save(users["staff_a"], Decimal("999")))
    first.join(30)
    second.join(30)

    assert outcomes["admin"][0] == "ok", outcomes
    assert outcomes["staff"][0] == "StaleEdit", outcomes
    row = Funding.objects.get(project=project, year=2015, source=FundingSource.FISCAL)
    assert row.planned == Decimal("100")
    assert row.history.count() == 1


def test_two_statistics_saves_from_the_same_version_do_not_both_land(users, monkeypatch):
    project = Project.objects.get(name=ZHENGSHUN)
    opened = statistics_version(project=project, year=2015)
    inside = slow_saves(monkeypatch, statistics)

    def save(value):
        return statistics_save(
            user=users["admin"],
            project=project,
            registered=False,
            registered_on=None,
            year=2015,
            figures={9: value},
            expected_version=opened,
        )

    outcomes = {}
    first = run_in_thread(outcomes, "first", lambda: save(Decimal("15000")))
    assert inside.wait(10)
    second = run_in_thread(outcomes, "second", lambda: save(Decimal("16000")))
    first.join(30)
    second.join(30)

    assert outcomes["first"][0] == "ok", outcomes
    assert outcomes["second"][0] == "StaleEdit", outcomes
    assert list(StatisticsFigure.objects.filter(project=project).values_list("month", "cumulative")) == [
        (9, Decimal("15000.00"))
    ]
