"""Scoring's writes racing each other: two admins saving one scheme from the same form, and an
adjustment racing the freezing of its period. Each check and its write are one step under the
scheme's row lock (PostgreSQL only, where transactions truly run side by side; SQLite runs writers
one at a time)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from projects.models import Street
from scoring.models import Adjustment, Criterion, Scheme, ScoreSheet
from scoring.periods import ScorePeriod
from scoring.services import adjustments as adjustment_services
from scoring.services import freeze as freeze_services
from scoring.services import schemes as scheme_services
from scoring.services.adjustments import adjustment_add
from scoring.services.freeze import sheet_freeze
from scoring.services.schemes import SchemeConflict, scheme_update
from tests.projects.test_write_races import run_in_thread
from tests.scoring.conftest import build_scheme
from tests.scoring.test_schemes import inputs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]

AUGUST = ScorePeriod("month", 2015, 8)  # closed in the demo (January–August 2015)


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = date(2015, 10, 20)


@pytest.fixture
def race_scheme(weidong):
    return build_scheme(weidong)


@pytest.fixture
def second_admin(users, django_user_model):
    return django_user_model.objects.create_user(
        "admin2", password="kp-test-Pass-2015", role=users["admin"].role, region=users["admin"].region
    )


def slow_after_first(module, name, monkeypatch, *, when=lambda *args, **kwargs: True):
    """Make the first call of ``module.name`` that ``when`` accepts hold its transaction a second
    after it returns; return the event set once it has."""
    inside, original, calls = threading.Event(), getattr(module, name), []

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        if when(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                inside.set()
                time.sleep(1)
        return result

    monkeypatch.setattr(module, name, slow)
    return inside


def test_two_admins_saving_the_same_form_state_one_wins_the_other_is_refused(
    users, second_admin, race_scheme, monkeypatch
):
    opened = race_scheme.updated_at
    first_change = inputs(race_scheme, {"投资完成": {"weight": Decimal("35")}, "新开工": {"weight": Decimal("20")}})
    second_change = inputs(race_scheme, {"投资完成": {"weight": Decimal("30")}, "前期手续": {"weight": Decimal("25")}})
    inside = slow_after_first(scheme_services, "audited_save", monkeypatch)
    outcomes = {}

    def save(user, criteria):
        return lambda: scheme_update(
            user=user,
            scheme=Scheme.objects.get(pk=race_scheme.pk),
            fields={"name": race_scheme.name, "level": "", "notes": ""},
            criteria=criteria,
            expected_updated_at=opened,
        )

    first = run_in_thread(outcomes, "first", save(users["admin"], first_change))
    assert inside.wait(10)
    second = run_in_thread(outcomes, "second", save(second_admin, second_change))
    first.join(15)
    second.join(15)
    assert outcomes["first"][0] == "ok"
    assert outcomes["second"][0] == SchemeConflict.__name__
    assert outcomes["second"][1].messages == ["该方案已被他人修改，请刷新页面后重新编辑。"]
    weights = dict(Criterion.objects.filter(scheme=race_scheme).values_list("name", "weight"))
    assert (weights["投资完成"], weights["新开工"], weights["前期手续"]) == (
        Decimal("35.00"),
        Decimal("20.00"),
        Decimal("15.00"),
    )
    assert not Criterion.history.filter(scheme_id=race_scheme.pk, history_user=second_admin).exists()


def adjust(user, scheme):
    return lambda: adjustment_add(
        user=user,
        scheme=Scheme.objects.get(pk=scheme.pk),
        period=AUGUST,
        subject_kind="street",
        subject=Street.objects.get(name="北环路街道", district=scheme.district),
        points=Decimal("3"),
        reason="赶在定稿前加分",
    )


def freeze(user, scheme):
    return lambda: sheet_freeze(user=user, scheme=Scheme.objects.get(pk=scheme.pk), period=AUGUST)


def frozen_adjustment_ids(scheme):
    sheet = ScoreSheet.objects.get(scheme=scheme, period_kind="month", number=8)
    return {line["id"] for row in sheet.rows["street"] for line in row["adjustments"]}


def test_an_adjustment_begun_before_the_freeze_is_inside_the_frozen_sheet(
    users, second_admin, race_scheme, monkeypatch
):
    inside = slow_after_first(adjustment_services, "audited_save", monkeypatch)
    outcomes = {}
    adding = run_in_thread(outcomes, "adjust", adjust(users["admin"], race_scheme))
    assert inside.wait(10)  # the adjustment is written, its transaction still open
    freezing = run_in_thread(outcomes, "freeze", freeze(second_admin, race_scheme))
    adding.join(15)
    freezing.join(15)
    assert outcomes["adjust"][0] == "ok"
    assert outcomes["freeze"][0] == "ok"
    adjustment = outcomes["adjust"][1]
    assert frozen_adjustment_ids(race_scheme) == {adjustment.pk}


def test_an_adjustment_arriving_during_the_freeze_is_refused(users, second_admin, race_scheme, monkeypatch):
    inside = slow_after_first(freeze_services, "frozen_content", monkeypatch)
    outcomes = {}
    freezing = run_in_thread(outcomes, "freeze", freeze(second_admin, race_scheme))
    assert inside.wait(10)  # the freeze has read the scores, its transaction still open
    adding = run_in_thread(outcomes, "adjust", adjust(users["admin"], race_scheme))
    freezing.join(15)
    adding.join(15)
    assert outcomes["freeze"][0] == "ok"
    assert outcomes["adjust"][0] == "ValidationError"
    assert outcomes["adjust"][1].messages == ["该周期的考核结果已定稿，不能再加减分。"]
    assert not Adjustment.objects.filter(scheme=race_scheme, period_kind="month", number=8).exists()
    assert frozen_adjustment_ids(race_scheme) == set()


def test_never_an_adjustment_in_a_frozen_period_outside_its_sheet(users, second_admin, race_scheme):
    """Both started at once, whichever wins: the adjustment is inside the sheet, or refused."""
    outcomes, start = {}, threading.Barrier(2)

    def together(work):
        def run():
            start.wait(10)
            return work()

        return run

    adding = run_in_thread(outcomes, "adjust", together(adjust(users["admin"], race_scheme)))
    freezing = run_in_thread(outcomes, "freeze", together(freeze(second_admin, race_scheme)))
    adding.join(30)
    freezing.join(30)
    assert outcomes["freeze"][0] == "ok"
    landed = set(
        Adjustment.objects.filter(scheme=race_scheme, period_kind="month", number=8).values_list("pk", flat=True)
    )
    assert landed == frozen_adjustment_ids(race_scheme)
    assert outcomes["adjust"][0] == ("ok" if landed else "ValidationError")
