"""Two real concurrent transactions saving the same report: exactly one wins (PostgreSQL only,
where transactions truly run side by side; SQLite serialises whole-database writes)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from projects.models import Listing, MonthlyReport
from projects.services import reports
from projects.services.errors import ReportConflict
from projects.services.reports import ReportInput, report_save

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]


@pytest.mark.parametrize("existing", [True, False], ids=["update", "first save"])
def test_two_concurrent_saves_exactly_one_wins(users, monkeypatch, existing):
    listing = Listing.objects.get(
        project__name="北环路街道便民服务中心（示例）" if existing else "北环路机械配件厂技改（示例）"
    )
    version = listing.reports.get(month=9).version if existing else 0
    original_claim = reports._claim

    def slow_claim(report, expected):
        original_claim(report, expected)
        time.sleep(0.5)  # hold the row lock so the other transaction must wait on it

    monkeypatch.setattr(reports, "_claim", slow_claim)
    if not existing:
        original_save = MonthlyReport.save

        def slow_insert(self, *args, **kwargs):
            original_save(self, *args, **kwargs)
            time.sleep(0.5)  # hold the unique key so the other insert must wait on it

        monkeypatch.setattr(MonthlyReport, "save", slow_insert)

    barrier = threading.Barrier(2)
    outcomes = {}

    def editor(name, user, amount):
        try:
            barrier.wait()
            report_save(
                user=user,
                listing=listing,
                month=9,
                data=ReportInput(investment=Decimal(amount), progress="并发测试"),
                version=version,
                submit=False,
            )
            outcomes[name] = "saved"
        except ReportConflict as conflict:
            outcomes[name] = ("conflict", conflict.current.investment)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=editor, args=("staff", users["staff_a"], "111")),
        threading.Thread(target=editor, args=("admin", users["admin"], "222")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o if o == "saved" else o[0] for o in outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    loser_saw = next(outcome[1] for outcome in outcomes.values() if outcome != "saved")
    stored = MonthlyReport.objects.get(listing=listing, month=9)
    assert stored.investment == {"staff": Decimal("111"), "admin": Decimal("222")}[winner]
    assert loser_saw == stored.investment
    assert stored.version == version + 1
