"""The load test's reporting day, run for two seconds a round against a real server: the form as wrk
sends it is saved (302), every save has its row with the amount sent, and the table is written."""

import shutil

import pytest

from benchmarks import reporting_day
from tests.deploy.servers import Visitor

LISTINGS = 200
pytestmark = pytest.mark.skipif(not shutil.which("wrk"), reason="needs wrk (apt-get install wrk)")


@pytest.fixture(scope="module")
def day(make_site, start_servers):
    site = make_site()
    (server,) = start_servers(site, {"WORKERS": "2"})
    # Enough listing-months that no writer runs out within a round, however fast the machine.
    reporting_day.build(site, listings=LISTINGS, seed=2017)
    admin = Visitor().login(server, "admin")
    return reporting_day.run(site, server, admin, reporting_day.read_paths(site), seconds=2)


def test_every_street_has_a_staff_account_that_reports_its_listings(day):
    assert day["accounts"] > 1  # the demo's one staff account and one for each other street
    assert day["slots"] > 300  # October to December of most of the listings


def test_each_round_saves_through_the_form_and_loses_nothing(day):
    assert [part["pause_ms"] for part in day["rounds"]] == list(reporting_day.PAUSES_MS)
    for part in day["rounds"]:
        writes = part["writes"]
        assert writes["sent"] > 1 and part["added"] > 0  # answered within the round or not, saves land
        assert reporting_day.failures(writes, "302") == 0 and writes["ran_out"] == 0, writes
        assert writes["misdirected"] == 0, writes  # every 302 went on to the sheet: a save
        assert part["wrong"] == 0 and part["complete"], part
        assert part["saves"] <= part["added"] <= part["saves"] + part["unanswered"]
        assert reporting_day.failures(part["reads"], "200") == 0
    assert day["stray"] == 0  # no row outside the listing-months the rounds sent


def test_the_reads_alone_are_measured_too(day):
    assert day["reads_alone"]["requests"] > 0 and reporting_day.failures(day["reads_alone"], "200") == 0


def test_the_table_names_both_sides_and_the_row_counts(day):
    text = "\n".join(reporting_day.report_lines(day, listings=LISTINGS, seconds=2))
    assert "### 填报日（边写边读）" in text
    assert "| 读（单独） | 8 |" in text and "| 写：全速报送（302 为成功） | 8 |" in text
    assert "月报行数" in text and "无丢失" in text
