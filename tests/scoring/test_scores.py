"""Scores and rankings (scoring.selectors.scores): totals, ranks and ties, who is not ranked, criteria
for one kind of subject, freezing, and the cost of a ranking.

The scenario scores the provincial list of 2015, on which the demo has no project: the demo's streets
and departments have nothing to measure and the scenario's new ones are the only ranked subjects, so
every total and rank below is worked out by hand."""

import dataclasses
import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dispatch.choices import TaskStatus
from projects.choices import ProblemStatus, UnitKind
from projects.models import MonthlyReport, Street, Unit
from scoring.models import Adjustment, ScoreSheet
from scoring.periods import ScorePeriod
from scoring.selectors.scores import compute, frozen_content, ranking
from scoring.services.freeze import sheet_freeze
from tests.scoring.conftest import TODAY, build_scheme
from tests.scoring.test_measures import Place

pytestmark = pytest.mark.django_db

DAY = datetime.date
JUNE = ScorePeriod("month", 2015, 6)
SECOND_QUARTER = ScorePeriod("quarter", 2015, 2)

CRITERIA = [
    ("投资完成", "investment", "60", "linear", {"lower": "60", "upper": "120"}),
    ("问题办结", "problem_closure", "20", "per_late", {"per_item": "5"}),  # streets only
    ("交办事项", "task_closure", "20", "per_late", {"per_item": "4"}),  # units only
    ("节点提前", "early_milestones", "3", "per_item_bonus", {"per_item": "1"}),
]


def provincial_scheme(district, criteria=CRITERIA):
    scheme = build_scheme(district, criteria=criteria, level="province")
    scheme.criteria.filter(name="问题办结").update(applies_to="street")
    scheme.criteria.filter(name="交办事项").update(applies_to="unit")
    return scheme


def adjust(scheme, subject, points, *, user, period=JUNE, withdrawn=False):
    street = subject if isinstance(subject, Street) else None
    return Adjustment.objects.create(
        scheme=scheme,
        period_kind=period.kind,
        number=period.number,
        subject_kind="street" if street else "unit",
        street=street,
        unit=None if street else subject,
        points=D(points),
        reason="主动协调征迁，受区政府通报表扬" if D(points) > 0 else "月报数据不实",
        created_by=user,
        withdrawn_at=timezone.now() if withdrawn else None,
        withdrawn_by=user if withdrawn else None,
        withdraw_reason="重复录入" if withdrawn else "",
    )


@pytest.fixture
def scenario(weidong, admin_user):
    """June 2015, provincial list, plans of 1000 万元 (June's schedule is 50 %):

    | street | unit | cumulative | of schedule | investment | problems | milestones | adjustment |
    | SA (41) | UA | 600 | 120 | 60.00 | one late: 15.00 | | |
    | SB (42) | UA | 200 + 250 | 90 | 30.00 | one in time: 20.00 | one early: +1 | |
    | SC (42) | UB | 450 | 90 | 30.00 | none: 20.00 | | +1 (and +10 withdrawn) |
    | SD (40) | UB | 300 | 60 | 0.00 | none: 20.00 | | (+50 in July) |
    | SE (43) | | | | | | | |

    Streets: SA 75.00 (1), SB 51.00 (2), SC 51.00 (2: after SB, the district's order), SD 20.00 (4), then
    the unranked: the demo's thirteen streets and SE, in the district's order. Units (no problem
    criterion, a task criterion): UA 1050 of 2000 → 105 % → 45.00, one task late → 16.00, +1 → 62.00;
    UB 750 of 2000 → 75 % → 15.00, no task → 20.00 → 35.00; UC unranked."""
    place = Place(weidong)
    sc = place.street("考核C街道", 42)  # made before SB: the order is the district's, not the rows'
    sa = place.street("考核A街道", 41)
    sb = place.street("考核B街道", 42)
    sd = place.street("考核D街道", 40)
    se = place.street("考核E街道", 43)
    ua, ub, uc = place.department("考核A局", 41), place.department("考核B局", 42), place.department("考核C局", 43)
    province = {"level": "province", "plan": "1000"}
    a, b = place.listed(sa, ua, **province), place.listed(sb, ua, **province)
    c, d = place.listed(sc, ub, **province), place.listed(sd, ub, **province)
    place.report(a, 6, "600")
    place.report(b, 3, "200")
    june_b = place.report(b, 6, "250")
    place.report(c, 6, "450")
    place.report(d, 6, "300")
    place.problem(a.project, DAY(2015, 6, 15), unit=ub)  # late; UB is not scored on problems
    place.problem(b.project, DAY(2015, 6, 10), unit=ua, status=ProblemStatus.PENDING_CLOSE, resolved_on=DAY(2015, 6, 9))
    place.task(ua, DAY(2015, 6, 20), status=TaskStatus.IN_PROGRESS)
    place.task(place.street_office(sd), DAY(2015, 6, 12))  # a street office's: streets are not scored on tasks
    place.milestone(b.project, DAY(2015, 6, 30), DAY(2015, 6, 10))
    scheme = provincial_scheme(weidong)
    adjust(scheme, sc, "1", user=admin_user)
    adjust(scheme, sc, "10", user=admin_user, withdrawn=True)
    adjust(scheme, sd, "50", user=admin_user, period=ScorePeriod("month", 2015, 7))
    subjects = {"SA": sa, "SB": sb, "SC": sc, "SD": sd, "SE": se, "UA": ua, "UB": ub, "UC": uc}
    return {"scheme": scheme, "june_b": june_b, **subjects}


def line(row):
    return (row.name, row.rank, str(row.base), str(row.bonus), str(row.adjustment), str(row.total))


def test_streets_are_ranked_by_total_with_ties_sharing_a_rank_in_the_districts_order(scenario):
    board = ranking(scheme=scenario["scheme"], period=JUNE, kind="street", today=TODAY)
    assert not board.frozen
    assert [line(row) for row in board.ranked] == [
        ("考核A街道", 1, "75.00", "0.00", "0.00", "75.00"),
        ("考核B街道", 2, "50.00", "1.00", "0.00", "51.00"),
        ("考核C街道", 2, "50.00", "0.00", "1.00", "51.00"),
        ("考核D街道", 4, "20.00", "0.00", "0.00", "20.00"),
    ]
    sa = board.row(scenario["SA"].pk)
    assert [(s.criterion.name, str(s.points), s.value.late) for s in sa.criteria] == [
        ("投资完成", "60.00", 0),
        ("问题办结", "15.00", 1),
        ("节点提前", "0.00", 0),
    ]
    assert [str(s.value.value) for s in sa.criteria[:1]] == ["120.00"]


def test_the_total_is_base_bonus_and_adjustments_in_force(scenario):
    board = ranking(scheme=scenario["scheme"], period=JUNE, kind="street", today=TODAY)
    sc = board.row(scenario["SC"].pk)
    assert [(str(a.points), a.reason) for a in sc.adjustments] == [("1.00", "主动协调征迁，受区政府通报表扬")]
    for row in board.ranked:
        assert row.total == row.base + row.bonus + row.adjustment
        assert row.base == sum(s.points for s in row.criteria if not s.criterion.is_bonus)
        assert row.bonus == sum(s.points for s in row.criteria if s.criterion.is_bonus)
    assert board.row(scenario["SD"].pk).adjustments == ()  # July's is not June's


def test_subjects_with_nothing_measured_are_unranked_and_listed_last(scenario):
    board = ranking(scheme=scenario["scheme"], period=JUNE, kind="street", today=TODAY)
    district = scenario["scheme"].district
    unranked = [row for row in board.rows if not row.ranked]
    assert board.rows[: len(board.ranked)] == tuple(board.ranked)
    expected = Street.objects.filter(district=district).exclude(
        name__in=["考核A街道", "考核B街道", "考核C街道", "考核D街道"]
    )
    assert [row.name for row in unranked] == list(
        expected.order_by("sort_order", "name").values_list("name", flat=True)
    )
    assert len(unranked) == 14 and unranked[-1].name == "考核E街道"  # the demo's thirteen, then SE
    assert all(not s.value.measured for row in unranked for s in row.criteria)


def test_an_adjustment_alone_does_not_rank_a_subject(scenario, admin_user):
    """Nothing measured is full marks on every base criterion (不涉及): a street with nothing to score
    and an adjustment would rank on full marks it never earned, so it stays unranked, its adjustment
    shown with it."""
    adjust(scenario["scheme"], scenario["SE"], "-2", user=admin_user)
    board = ranking(scheme=scenario["scheme"], period=JUNE, kind="street", today=TODAY)
    assert board.ranked[0].name == "考核A街道"
    se = board.row(scenario["SE"].pk)
    assert se.rank is None and str(se.adjustment) == "-2.00"
    assert [(str(a.points), a.reason) for a in se.adjustments] == [("-2.00", se.adjustments[0].reason)]


def test_criteria_for_one_kind_of_subject_only(scenario):
    streets = ranking(scheme=scenario["scheme"], period=JUNE, kind="street", today=TODAY)
    units = ranking(scheme=scenario["scheme"], period=JUNE, kind="unit", today=TODAY)
    assert [c.name for c in streets.criteria] == ["投资完成", "问题办结", "节点提前"]
    assert [c.name for c in units.criteria] == ["投资完成", "交办事项", "节点提前"]
    assert [line(row) for row in units.ranked] == [
        ("考核A局", 1, "61.00", "1.00", "0.00", "62.00"),
        ("考核B局", 2, "35.00", "0.00", "0.00", "35.00"),
    ]
    ua = units.row(scenario["UA"].pk)
    assert [(s.criterion.name, str(s.points)) for s in ua.criteria] == [
        ("投资完成", "45.00"),
        ("交办事项", "16.00"),
        ("节点提前", "1.00"),
    ]
    unranked = [row.name for row in units.rows if not row.ranked]
    assert "考核C局" in unranked and unranked[-1] == "考核C局"
    # Departments only: no street office is a unit subject.
    kinds = set(Unit.objects.filter(pk__in=[row.key for row in units.rows]).values_list("kind", flat=True))
    assert kinds == {UnitKind.DEPARTMENT}


def plain(value):
    """A ranking's content as nested tuples, every Decimal as its text: equal only when every field
    is, at the same scale."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple((f.name, plain(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, (tuple, list)):
        return tuple(plain(v) for v in value)
    if isinstance(value, D):
        return ("Decimal", str(value))
    return value


def content(board):
    return plain(board.criteria), plain(board.rows), (board.kind, tuple(board.period), board.scheme.pk)


def test_a_frozen_sheet_thaws_to_exactly_the_live_ranking(scenario, admin_user):
    scheme = scenario["scheme"]
    live = {kind: ranking(scheme=scheme, period=JUNE, kind=kind, today=TODAY) for kind in ("street", "unit")}
    snapshot, rows = frozen_content(scheme, JUNE, today=TODAY)
    assert snapshot["level"] == "province" and [c["name"] for c in snapshot["criteria"]] == [c[0] for c in CRITERIA]
    sheet = sheet_freeze(user=admin_user, scheme=scheme, period=JUNE, today=TODAY)
    stored = ScoreSheet.objects.get(pk=sheet.pk)
    assert (stored.scheme_snapshot, stored.rows) == (snapshot, rows)
    for kind in ("street", "unit"):
        thawed = ranking(scheme=scheme, period=JUNE, kind=kind, today=TODAY)
        assert thawed.frozen and thawed.sheet == sheet and not live[kind].frozen
        assert content(thawed) == content(live[kind])
        assert thawed.rows == live[kind].rows and thawed.criteria == live[kind].criteria


def test_after_freezing_the_data_moves_open_periods_only(scenario, admin_user):
    """SB's June report goes from 250 to 550: 750 of 1000 is 150 % of the schedule, full marks, 81.00.
    June (frozen) keeps SB at 51.00; the second quarter (open: June's cumulative, no June adjustment)
    moves SB from 51.00 to first place with 81.00; so does June's ranking computed afresh."""
    scheme = scenario["scheme"]
    frozen = {kind: ranking(scheme=scheme, period=JUNE, kind=kind, today=TODAY) for kind in ("street", "unit")}
    sheet_freeze(user=admin_user, scheme=scheme, period=JUNE, today=TODAY)
    quarter = ranking(scheme=scheme, period=SECOND_QUARTER, kind="street", today=TODAY)
    assert [line(row) for row in quarter.ranked][:3] == [
        ("考核A街道", 1, "75.00", "0.00", "0.00", "75.00"),
        ("考核B街道", 2, "50.00", "1.00", "0.00", "51.00"),
        ("考核C街道", 3, "50.00", "0.00", "0.00", "50.00"),
    ]

    report = MonthlyReport.objects.get(pk=scenario["june_b"].pk)
    report.investment = D("550")
    report.save()  # rebuilds the listing's cumulatives, as the report service does
    scheme.criteria.filter(name="投资完成").update(upper=D("150"))  # the scheme changes too

    for kind in ("street", "unit"):
        assert content(ranking(scheme=scheme, period=JUNE, kind=kind, today=TODAY)) == content(frozen[kind])
    quarter = ranking(scheme=scheme, period=SECOND_QUARTER, kind="street", today=TODAY)
    sb = quarter.row(scenario["SB"].pk)
    assert (sb.rank, str(sb.criteria[0].value.value), str(sb.total)) == (1, "150.00", "81.00")
    _, afresh = compute(scheme, JUNE, "street", today=TODAY)
    assert [line(row) for row in afresh if row.ranked][0] == ("考核B街道", 1, "80.00", "1.00", "0.00", "81.00")


# --- the cost of a ranking ------------------------------------------------------------------------------


def grow(place, streets, *, user, scheme):
    """Streets, departments and provincial listings with something for every measure."""
    for n in range(streets):
        street = place.street(f"考核扩展{place.made:03d}街道", 50 + n)
        office, department = place.street_office(street), place.department(f"考核扩展{place.made:03d}局", 50 + n)
        for category, start in (("continuing", None), ("new_start", 4), ("completion", None)):
            listing = place.listed(street, department, level="province", plan="800", category=category, start=start)
            for month, at in ((4, place_time(5, 20)), (5, None), (6, place_time(7, 30))):
                place.report(listing, month, "100", at=at)
            place.problem(listing.project, DAY(2015, 5, 10 + n), unit=department)
            place.item(listing.project, department, planned=DAY(2015, 6, 1))
            place.milestone(listing.project, DAY(2015, 6, 30), DAY(2015, 5, 1))
        place.task(office, DAY(2015, 6, 5))
        place.task(department, DAY(2015, 5, 5), status=TaskStatus.REPLIED, replied_on=DAY(2015, 5, 4))
        adjust(scheme, street, "1", user=user, period=SECOND_QUARTER)
        adjust(scheme, department, "-1", user=user, period=SECOND_QUARTER)


def place_time(month, day):
    return timezone.make_aware(datetime.datetime(2015, month, day, 9, 0))


def queries_of(scheme, kind):
    with CaptureQueriesContext(connection) as captured:
        board = ranking(scheme=scheme, period=SECOND_QUARTER, kind=kind, today=TODAY)
    return len(captured), len(board.ranked)


def test_the_queries_of_a_ranking_do_not_grow_with_listings_and_subjects(weidong, admin_user):
    from tests.scoring.conftest import CRITERIA as EVERY_MEASURE

    scheme = build_scheme(weidong, criteria=EVERY_MEASURE, level="province")
    place = Place(weidong)
    grow(place, 1, user=admin_user, scheme=scheme)
    small = {kind: queries_of(scheme, kind) for kind in ("street", "unit")}
    grow(place, 4, user=admin_user, scheme=scheme)
    large = {kind: queries_of(scheme, kind) for kind in ("street", "unit")}
    for kind in ("street", "unit"):
        assert (small[kind][1], large[kind][1]) == (1, 5)  # every measure ran on more subjects
        assert large[kind][0] == small[kind][0], kind


def test_a_frozen_ranking_reads_its_sheet_and_nothing_else(scenario, admin_user, django_assert_num_queries):
    sheet_freeze(user=admin_user, scheme=scenario["scheme"], period=JUNE, today=TODAY)
    scheme = type(scenario["scheme"]).objects.get(pk=scenario["scheme"].pk)
    with django_assert_num_queries(2):  # the sheet, and its scheme (for the period's year)
        board = ranking(scheme=scheme, period=JUNE, kind="street")
    assert board.frozen and len(board.ranked) == 4


def test_an_empty_scheme_ranks_nobody(weidong):
    scheme = build_scheme(weidong, criteria=[])
    board = ranking(scheme=scheme, period=JUNE, kind="street", today=TODAY)
    assert board.criteria == () and board.ranked == [] and len(board.rows) == 13
    assert {str(row.total) for row in board.rows} == {"0.00"}


def test_a_running_period_is_scored_on_its_latest_reported_month(scheme):
    """On 20 October 2015 the year and the fourth quarter are still running: investment and starts are
    scored on September's figures (the latest reported), against September's schedule, not on
    December's — so the year reads as September's investment, not a collapse."""
    from scoring.selectors.measures import Context, investment, scored_month

    today = datetime.date(2015, 10, 20)
    year = ScorePeriod("year", 2015, 1)
    september = ScorePeriod("month", 2015, 9)
    assert scored_month(scheme, year, today) == 9
    assert scored_month(scheme, ScorePeriod("quarter", 2015, 4), today) == 10  # none of its months reported yet
    assert scored_month(scheme, september, today) == 9  # ended
    assert scored_month(scheme, year, datetime.date(2016, 1, 5)) == 12  # ended: December, reported or not
    board = ranking(scheme=scheme, period=year, kind="street", today=today)
    assert board.as_of_month == 9 and board.running
    assert investment(Context(scheme, year, today), "street") == investment(Context(scheme, september, today), "street")
    assert not ranking(scheme=scheme, period=september, kind="street", today=today).running
