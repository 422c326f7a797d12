"""The measures a criterion scores (scoring.selectors.measures), for streets and for units, on a
scenario of new streets, departments and projects built in the demo's 卫东区: every expected figure is
worked out by hand below, and the demo's own streets and units (whose figures these tests do not
know) must not leak into them. The periods they are read for (scoring.periods) come first."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from approvals.selectors.figures import node_items, rate_by_department, rate_by_street
from dispatch.choices import TaskStatus
from dispatch.models import Task
from projects.choices import Category, ProblemStatus, ProjectStatus, ReportStatus, UnitKind
from projects.models import Listing, Milestone, MonthlyReport, Problem, Project, Region, Street, Unit
from projects.selectors.dashboard import overview
from scoring.periods import ScorePeriod
from scoring.selectors.measures import Context, Value, measure_values, scored_listings
from tests.scoring.conftest import TODAY, build_scheme

pytestmark = pytest.mark.django_db

DAY = datetime.date


def month(number):
    return ScorePeriod("month", 2015, number)


def quarter(number):
    return ScorePeriod("quarter", 2015, number)


YEAR = ScorePeriod("year", 2015, 1)


# --- periods --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period, months, end, first, last, label",
    [
        (month(1), [1], 1, DAY(2015, 1, 1), DAY(2015, 1, 31), "2015年1月"),
        (month(2), [2], 2, DAY(2015, 2, 1), DAY(2015, 2, 28), "2015年2月"),
        (ScorePeriod("month", 2016, 2), [2], 2, DAY(2016, 2, 1), DAY(2016, 2, 29), "2016年2月"),
        (month(12), [12], 12, DAY(2015, 12, 1), DAY(2015, 12, 31), "2015年12月"),
        (quarter(1), [1, 2, 3], 3, DAY(2015, 1, 1), DAY(2015, 3, 31), "2015年第一季度"),
        (quarter(3), [7, 8, 9], 9, DAY(2015, 7, 1), DAY(2015, 9, 30), "2015年第三季度"),
        (quarter(4), [10, 11, 12], 12, DAY(2015, 10, 1), DAY(2015, 12, 31), "2015年第四季度"),
        (YEAR, list(range(1, 13)), 12, DAY(2015, 1, 1), DAY(2015, 12, 31), "2015年度"),
    ],
)
def test_a_period_covers_its_months(period, months, end, first, last, label):
    assert list(period.months) == months
    assert (period.end_month, period.first_day, period.last_day, period.label) == (end, first, last, label)
    assert period.as_dict()["label"] == label


def test_parse_reads_the_three_kinds():
    assert ScorePeriod.parse("month", 2015, 9) == month(9)
    assert ScorePeriod.parse("quarter", 2015, 4) == quarter(4)
    assert ScorePeriod.parse("year", 2015, 1) == YEAR


@pytest.mark.parametrize(
    "kind, number",
    [
        ("month", 0),
        ("month", 13),
        ("month", -1),
        ("quarter", 0),
        ("quarter", 5),
        ("year", 0),
        ("year", 2),
        ("week", 1),
        ("", 1),
        ("MONTH", 9),
    ],
)
def test_parse_refuses_what_does_not_exist(kind, number):
    with pytest.raises(ValueError):
        ScorePeriod.parse(kind, 2015, number)


# --- the scenario ---------------------------------------------------------------------------------------


def at(day, hour=10, minute=0):
    """A moment of local time (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class Place:
    """New streets, departments and projects of 卫东区, which the demo knows nothing about."""

    def __init__(self, district):
        self.district = district
        self.made = 0

    def _name(self, prefix):
        self.made += 1
        return f"{prefix}{self.made:03d}（测试）"

    def street(self, name, order=40):
        return Street.objects.create(district=self.district, name=name, sort_order=order)

    def department(self, name, order=40):
        return Unit.objects.create(district=self.district, name=name, kind=UnitKind.DEPARTMENT, sort_order=order)

    def street_office(self, street):
        return Unit.objects.create(
            district=self.district, name=f"{street.name}办事处", kind=UnitKind.STREET_OFFICE, street=street
        )

    def project(self, street, unit, *, status=ProjectStatus.UNDER_CONSTRUCTION, district=None):
        return Project.objects.create(
            name=self._name("考核项目"), district=district or self.district, street=street, unit=unit, status=status
        )

    def listing(self, project, *, level="city", category=Category.CONTINUING, plan="0", start=None, year=2015):
        return Listing.objects.create(
            project=project,
            year=year,
            level=level,
            category=category,
            annual_plan=D(plan),
            planned_start_month=start,
        )

    def listed(self, street, unit, *, status=ProjectStatus.UNDER_CONSTRUCTION, **listing):
        """A new project of ``street`` and ``unit`` with one 2015 listing (city level unless said)."""
        return self.listing(self.project(street, unit, status=status), **listing)

    @staticmethod
    def report(listing, month, investment="0", *, at=None, status=ReportStatus.SUBMITTED):
        return MonthlyReport.objects.create(
            listing=listing, month=month, investment=D(investment), status=status, reported_at=at
        )

    def problem(self, project, deadline, *, unit, status=ProblemStatus.OPEN, resolved_on=None):
        solved = status in (ProblemStatus.PENDING_CLOSE, ProblemStatus.RESOLVED)
        return Problem.objects.create(
            project=project,
            description=self._name("问题"),
            raised_on=DAY(2015, 5, 1),
            unit=unit,
            deadline=deadline,
            status=status,
            resolution="已协调解决" if solved else "",
            resolved_on=resolved_on,
        )

    def task(self, owner, deadline, *, status=TaskStatus.ASSIGNED, replied_on=None, closed_on=None):
        return Task.objects.create(
            district=self.district,
            owner=owner,
            content=self._name("交办事项"),
            assigned_on=DAY(2015, 5, 1),
            deadline=deadline,
            status=status,
            replied_on=replied_on,
            closed_on=closed_on,
        )

    def item(self, project, department, *, planned, status=ItemStatus.NOT_STARTED, approved=None):
        return ApprovalItem.objects.create(
            project=project,
            name=self._name("手续"),
            department=department,
            planned_date=planned,
            status=status,
            approved_date=approved,
        )

    def milestone(self, project, planned, actual=None):
        return Milestone.objects.create(
            project=project, name=self._name("节点"), planned_date=planned, actual_date=actual
        )


@pytest.fixture
def place(weidong):
    return Place(weidong)


@pytest.fixture
def subjects(place):
    """Two new streets (one with its street office) and two new departments of 卫东区."""
    one, two = place.street("考核一街道", 41), place.street("考核二街道", 42)
    return {
        "S1": one,
        "S2": two,
        "office1": place.street_office(one),
        "D1": place.department("考核甲局", 41),
        "D2": place.department("考核乙局", 42),
    }


def measured(measure, scheme, period, kind, today=TODAY):
    return measure_values(measure, Context(scheme, period, today), kind)


def found(values, subjects, *names):
    """{name: Value.as_dict()} of the named subjects measured (decimals as text, so scales count)."""
    return {name: values[subjects[name].pk].as_dict() for name in names if subjects[name].pk in values}


def rate(value, due, done, late):
    return Value(value=D(value) if value is not None else None, due=due, done=done, late=late).as_dict()


# --- which listings are scored --------------------------------------------------------------------------


def test_scored_listings_count_a_project_once_on_its_highest_list_unless_the_scheme_has_a_level(place, subjects):
    s1, d1 = subjects["S1"], subjects["D1"]
    city_and_district = place.project(s1, d1)
    on_city = place.listing(city_and_district, level="city")
    on_district = place.listing(city_and_district, level="district")
    province_and_city = place.project(s1, d1)
    on_province = place.listing(province_and_city, level="province")
    on_city_too = place.listing(province_and_city, level="city")
    district_only = place.listed(s1, d1, level="district")
    other_year = place.listed(s1, d1, level="city", year=2014)
    # A project on the city's list of 2014 and the district's of 2015: the 2014 list shadows nothing in 2015.
    later_district = place.listing(other_year.project, level="district")
    elsewhere = Region.objects.get(code="410402")
    abroad = place.listing(place.project(None, None, district=elsewhere), level="city")
    mine = Listing.objects.filter(project__street=s1) | Listing.objects.filter(pk=abroad.pk)

    def scored(level):
        scheme = build_scheme(place.district, level=level)
        return set(scored_listings(scheme).filter(pk__in=mine.values("pk")))

    assert scored("") == {on_city, on_province, district_only, later_district}
    assert scored("province") == {on_province}
    assert scored("city") == {on_city, on_city_too}
    assert scored("district") == {on_district, district_only, later_district}


# --- investment -----------------------------------------------------------------------------------------


@pytest.fixture
def investment_scenario(place, subjects):
    s1, s2, d1, d2 = (subjects[k] for k in ("S1", "S2", "D1", "D2"))
    a = place.listed(s1, d1, plan="1200")
    place.report(a, 3, "300")
    place.report(a, 9, "600.50")
    b = place.listed(s1, d2, plan="800", category=Category.NEW_START, start=5)
    place.report(b, 6, "80.25")
    c = place.listed(s1, d2, plan="1000")
    place.report(c, 9, "20.25")
    c_district = place.listing(c.project, level="district", plan="2000")  # shadowed by the city list
    place.report(c_district, 9, "1500")
    d = place.listed(s2, d1, plan="500", level="district")
    place.report(d, 2, "100")
    place.report(d, 8, "50", status=ReportStatus.RETURNED)  # not counted
    place.report(d, 9, "200", status=ReportStatus.DRAFT)  # not counted
    e = place.listed(s2, d2, plan="300", category=Category.COMPLETION)
    place.report(e, 4, "333.33")  # more than its plan
    return subjects


def money(plan, cumulative, percent, ratio, schedule):
    return Value(
        value=None if ratio is None else D(ratio),
        plan=D(plan),
        cumulative=D(cumulative),
        percent=None if percent is None else D(percent),
        schedule=D(schedule),
    ).as_dict()


def test_investment_is_cumulative_over_plan_over_the_schedule(weidong, investment_scenario):
    """September (schedule 75 %), every list, each project once:
    S1: plans 1200 + 800 + 1000 = 3000, cumulative 900.50 + 80.25 + 20.25 = 1001.00 → 33.37 % of the
        plan; 1001 × 1200 / (3000 × 9) = 44.489 → 44.49 % of the schedule.
    S2: plans 500 + 300 = 800, cumulative 100 + 333.33 = 433.33 → 54.17 %; 433.33 × 1200 / 7200 = 72.222 → 72.22
        (not 54.17 / 75 = 72.23: the ratio is of the amounts, not of a rounded percentage).
    D1: 1200 + 500 = 1700, 900.50 + 100 = 1000.50 → 58.85 %; 1000.5 × 1200 / 15300 = 78.471 → 78.47.
    D2: 800 + 1000 + 300 = 2100, 80.25 + 20.25 + 333.33 = 433.83 → 20.66 %; 433.83 × 1200 / 18900 = 27.545 → 27.54."""
    scheme = build_scheme(weidong)
    subjects = investment_scenario
    streets = measured("investment", scheme, month(9), "street")
    assert found(streets, subjects, "S1", "S2") == {
        "S1": money("3000.00", "1001.00", "33.37", "44.49", "75.00"),
        "S2": money("800.00", "433.33", "54.17", "72.22", "75.00"),
    }
    units = measured("investment", scheme, month(9), "unit")
    assert found(units, subjects, "D1", "D2") == {
        "D1": money("1700.00", "1000.50", "58.85", "78.47", "75.00"),
        "D2": money("2100.00", "433.83", "20.66", "27.54", "75.00"),
    }


def test_investment_of_a_quarter_and_the_year_reads_their_last_month(weidong, investment_scenario):
    """Second quarter: June's cumulative, schedule 50 %. S1: 300 + 80.25 + 0 = 380.25 of 3000 → 12.68 %;
    380.25 × 1200 / (3000 × 6) = 25.35. The year once ended: December's, schedule 100 %: S1 1001.00 →
    33.37 %, 33.37; while it runs (20 October 2015), September's, the latest reported: the third
    quarter's figures."""
    scheme = build_scheme(weidong)
    subjects = investment_scenario
    assert found(measured("investment", scheme, quarter(2), "street"), subjects, "S1") == {
        "S1": money("3000.00", "380.25", "12.68", "25.35", "50.00")
    }
    assert found(measured("investment", scheme, quarter(3), "street"), subjects, "S1") == {
        "S1": money("3000.00", "1001.00", "33.37", "44.49", "75.00")
    }
    after_the_year = datetime.date(2016, 1, 10)
    assert found(measured("investment", scheme, YEAR, "street", today=after_the_year), subjects, "S1") == {
        "S1": money("3000.00", "1001.00", "33.37", "33.37", "100.00")
    }
    assert found(measured("investment", scheme, YEAR, "street"), subjects, "S1") == {
        "S1": money("3000.00", "1001.00", "33.37", "44.49", "75.00")
    }


def test_investment_of_a_scheme_of_one_level(weidong, investment_scenario):
    """The district's list only: S1 has the district listing of c (2000, 1500 → 75 %, 100 % of the
    schedule); S2 has d (500, 100 → 20 %; 100 × 1200 / 4500 = 26.67). D1 has d, D2 c's district listing."""
    scheme = build_scheme(weidong, level="district")
    subjects = investment_scenario
    assert found(measured("investment", scheme, month(9), "street"), subjects, "S1", "S2") == {
        "S1": money("2000.00", "1500.00", "75.00", "100.00", "75.00"),
        "S2": money("500.00", "100.00", "20.00", "26.67", "75.00"),
    }
    assert found(measured("investment", scheme, month(9), "unit"), subjects, "D1", "D2") == {
        "D1": money("500.00", "100.00", "20.00", "26.67", "75.00"),
        "D2": money("2000.00", "1500.00", "75.00", "100.00", "75.00"),
    }


def test_a_subject_exactly_ahead_of_the_schedule_by_a_fifth_reaches_120(weidong, place, subjects):
    """May: the schedule is 5/12 (41.67 % rounded). 600 of 1200 is 50 % of the plan, 120 % of the
    schedule exactly: full marks on a 60–120 linear criterion, whatever the rounding of 41.67."""
    from scoring.formulas import Rule, points

    ahead = place.listed(subjects["S1"], subjects["D1"], plan="1200")
    place.report(ahead, 5, "600")
    scheme = build_scheme(weidong)
    value = measured("investment", scheme, month(5), "street")[subjects["S1"].pk]
    assert value.as_dict() == money("1200.00", "600.00", "50.00", "120.00", "41.67")
    assert str(points(Rule.of(scheme.criteria.get(measure="investment")), value)) == "40.00"


def test_a_subject_without_a_plan_has_nothing_to_measure(weidong, place, subjects):
    no_plan = place.listed(subjects["S1"], subjects["D1"], plan="0")
    place.report(no_plan, 2, "10")
    value = measured("investment", build_scheme(weidong), month(9), "street")[subjects["S1"].pk]
    assert value.as_dict() == money("0.00", "10.00", None, None, "75.00")
    assert not value.measured


def test_investment_is_the_overviews_figure_for_every_street_and_unit(users, weidong, investment_scenario):
    """The same selectors as the pages: for a scheme of the city's list, every street's and unit's plan,
    cumulative and percentage (the demo's and the scenario's) are the overview's by_street / by_unit."""
    scheme = build_scheme(weidong, level="city")
    for number in (5, 9):
        page = overview(user=users["admin"], year=2015, month=number, level="city", region=weidong)
        for kind, rows in (("street", page.by_street), ("unit", page.by_unit)):
            values = measured("investment", scheme, month(number), kind)
            assert len(rows) > 5  # the demo's too
            assert {row.key for row in rows} == set(values)
            for row in rows:
                value = values[row.key]
                assert (str(value.plan), str(value.cumulative), value.percent) == (
                    str(row.annual_plan),
                    str(row.cumulative),
                    row.percent,
                ), row.label
    figures = found(measured("investment", scheme, month(9), "street"), investment_scenario, "S1", "S2")
    assert figures["S2"] == money("300.00", "333.33", "111.11", "148.15", "75.00")


def test_start_and_completion_totals_are_the_overviews(users, weidong, investment_scenario):
    scheme = build_scheme(weidong, level="city")
    page = overview(user=users["admin"], year=2015, month=9, level="city", region=weidong)
    for kind in ("street", "unit"):
        starts = measured("start_rate", scheme, month(9), kind).values()
        assert (sum(v.due for v in starts), sum(v.done for v in starts)) == (
            page.start_rate.planned,
            page.start_rate.done,
        )
        completions = measured("completion_rate", scheme, month(9), kind).values()
        assert (sum(v.due for v in completions), sum(v.done for v in completions)) == (
            page.completion_rate.planned,
            page.completion_rate.done,
        )
    assert page.start_rate.planned > 0 and page.completion_rate.planned > 0


# --- start and completion rates -------------------------------------------------------------------------


@pytest.fixture
def starts_scenario(place, subjects):
    s1, s2, d1, d2 = (subjects[k] for k in ("S1", "S2", "D1", "D2"))
    new = {"category": Category.NEW_START, "plan": "100"}
    place.report(place.listed(s1, d2, start=5, **new), 6, "80")  # due, started
    place.listed(s1, d1, start=8, **new)  # due, not started: late
    place.report(place.listed(s1, d1, start=12, **new), 7, "10")  # started before it was due
    both = place.listed(s1, d1, start=4, **new)  # on both lists: counted once, on the city's
    place.report(both, 4, "5")
    place.listing(both.project, level="district", start=4, **new)
    place.listed(s2, d1, start=11, **new)  # not due yet, not started
    place.report(place.listed(s2, d2, start=None, **new), 2, "10")  # no month given: due from January
    place.report(place.listed(s2, d1, start=9, **new), 10, "5")  # due in September, started in October
    place.report(place.listed(s2, d2, plan="100"), 9, "50")  # continuing: not a start
    return subjects


def test_start_rate_counts_new_starts_due_by_the_period_end(weidong, starts_scenario):
    """September. S1: due 3 (May, August, April), started 3 (May's, December's early one, April's), late 1
    (August's): 100 % — the overview's 开工率 counts every start against those due. S2: due 2 (none given,
    September's), started 1, late 1: 50 %. D1: due 3 (August, April, September), started 2 (December's,
    April's), late 2: 66.67 %. D2: due 2, started 2: 100 %."""
    scheme = build_scheme(weidong)
    subjects = starts_scenario
    for period in (month(9), quarter(3)):
        assert found(measured("start_rate", scheme, period, "street"), subjects, "S1", "S2") == {
            "S1": rate("100.00", 3, 3, 1),
            "S2": rate("50.00", 2, 1, 1),
        }
        assert found(measured("start_rate", scheme, period, "unit"), subjects, "D1", "D2") == {
            "D1": rate("66.67", 3, 2, 2),
            "D2": rate("100.00", 2, 2, 0),
        }
    # October: September's start has begun; November's is not due yet.
    assert found(measured("start_rate", scheme, month(10), "street"), subjects, "S2") == {"S2": rate("100.00", 2, 2, 0)}
    assert found(measured("start_rate", scheme, month(10), "unit"), subjects, "D1") == {"D1": rate("100.00", 3, 3, 1)}
    # March: only the one without a month is due (and started in February); S1's April one is not yet.
    assert found(measured("start_rate", scheme, month(3), "street"), subjects, "S1", "S2") == {
        "S1": rate(None, 0, 0, 0),
        "S2": rate("100.00", 1, 1, 0),
    }


def test_completion_rate_counts_projects_planned_to_be_completed(weidong, place, subjects):
    """S1: one completion, commissioned: 100 %. S2: two, one completed: 50 %, one late. A continuing project
    that was completed does not count."""
    s1, s2, d1, d2 = (subjects[k] for k in ("S1", "S2", "D1", "D2"))
    place.listed(s1, d1, category=Category.COMPLETION, status=ProjectStatus.COMMISSIONED)
    place.listed(s2, d2, category=Category.COMPLETION, status=ProjectStatus.COMPLETED)
    place.listed(s2, d2, category=Category.COMPLETION)
    place.listed(s1, d1, category=Category.CONTINUING, status=ProjectStatus.COMPLETED)
    scheme = build_scheme(weidong)
    assert found(measured("completion_rate", scheme, month(9), "street"), subjects, "S1", "S2") == {
        "S1": rate("100.00", 1, 1, 0),
        "S2": rate("50.00", 2, 1, 1),
    }
    assert found(measured("completion_rate", scheme, YEAR, "unit"), subjects, "D1", "D2") == {
        "D1": rate("100.00", 1, 1, 0),
        "D2": rate("50.00", 2, 1, 1),
    }


# --- approvals ------------------------------------------------------------------------------------------


def test_approval_rate_is_the_approvals_pages_rate(users, weidong, place, subjects):
    """September (items counted when due or approved by 30 September):
    S1: A (due 10 Sep, done 5 Sep), B (due 20 Sep, open) → 1 of 2: 50.0 %; C (due November) not counted.
    S2: D (due December, approved 1 Aug), F (due 15 Sep, approved 5 Oct: late for September), G (due 1 Jun,
        done 20 May) → 2 of 3: 66.7 %; E (not needed) not counted.
    D1: A, D, G → 3 of 3: 100.0 %. D2: B, F → 0 of 2: 0.0 %.
    An item of a project not on a 2015 list does not count."""
    s1, s2, d1, d2 = (subjects[k] for k in ("S1", "S2", "D1", "D2"))
    p1, p2 = place.listed(s1, d1).project, place.listed(s1, d2).project
    p5, p6 = place.listed(s2, d2).project, place.listed(s2, d2).project
    done = ItemStatus.DONE
    place.item(p1, d1, planned=DAY(2015, 9, 10), status=done, approved=DAY(2015, 9, 5))  # A
    place.item(p1, d2, planned=DAY(2015, 9, 20), status=ItemStatus.IN_PROGRESS)  # B
    place.item(p2, d1, planned=DAY(2015, 11, 30))  # C
    place.item(p5, d1, planned=DAY(2015, 12, 1), status=done, approved=DAY(2015, 8, 1))  # D
    place.item(p5, d2, planned=DAY(2015, 9, 1), status=ItemStatus.NOT_NEEDED)  # E
    place.item(p6, d2, planned=DAY(2015, 9, 15), status=done, approved=DAY(2015, 10, 5))  # F
    place.item(p6, d1, planned=DAY(2015, 6, 1), status=done, approved=DAY(2015, 5, 20))  # G
    unlisted = place.project(s1, d1)
    place.item(unlisted, d1, planned=DAY(2015, 9, 1))
    place.item(unlisted, d2, planned=DAY(2015, 9, 1))
    scheme = build_scheme(weidong)
    streets = measured("approval_rate", scheme, month(9), "street")
    units = measured("approval_rate", scheme, month(9), "unit")
    assert found(streets, subjects, "S1", "S2") == {"S1": rate("50.0", 2, 1, 1), "S2": rate("66.7", 3, 2, 1)}
    assert found(units, subjects, "D1", "D2") == {"D1": rate("100.0", 3, 3, 0), "D2": rate("0.0", 2, 0, 2)}
    # The approvals' pages read the same rows (their items of the year's lists, every level).
    items = node_items(users["admin"], year=2015, region=weidong)
    for grouped, values in ((rate_by_street, streets), (rate_by_department, units)):
        rows = {row.key: row for row in grouped(items, year=2015, month=9, today=TODAY) if row.counted}
        assert {key: (v.value, v.due, v.done) for key, v in values.items()} == {
            key: (row.percent, row.counted, row.done) for key, row in rows.items()
        }
    # August: B, C, F not yet due; A not yet approved and not due until September.
    assert found(measured("approval_rate", scheme, month(8), "street"), subjects, "S1", "S2") == {
        "S2": rate("100.0", 2, 2, 0)
    }


# --- problems and tasks ---------------------------------------------------------------------------------


@pytest.fixture
def problems_scenario(place, subjects):
    s1, s2, d1, d2 = (subjects[k] for k in ("S1", "S2", "D1", "D2"))
    p1, p2, p5 = (place.listed(s, u).project for s, u in ((s1, d1), (s1, d2), (s2, d2)))
    pending, resolved, late = ProblemStatus.PENDING_CLOSE, ProblemStatus.RESOLVED, ProblemStatus.COORDINATING
    place.problem(p1, DAY(2015, 9, 10), unit=d1, status=pending, resolved_on=DAY(2015, 9, 8))  # on time
    place.problem(p1, DAY(2015, 9, 15), unit=d1, status=resolved, resolved_on=DAY(2015, 9, 15))  # on the day
    place.problem(p2, DAY(2015, 9, 20), unit=d2, status=resolved, resolved_on=DAY(2015, 9, 25))  # solved late
    place.problem(p2, DAY(2015, 9, 30), unit=d2, status=late)  # not solved
    place.problem(p5, DAY(2015, 8, 31), unit=d1, status=resolved, resolved_on=DAY(2015, 8, 30))  # August
    place.problem(p5, DAY(2015, 10, 5), unit=d2, status=pending, resolved_on=DAY(2015, 10, 3))  # October
    place.problem(p5, None, unit=None)  # no deadline: never due
    place.problem(p5, DAY(2015, 9, 1), unit=d1)  # open, late
    place.problem(p5, DAY(2015, 10, 20), unit=d2)  # due today: not yet late
    place.problem(p5, DAY(2015, 10, 25), unit=d2, status=pending, resolved_on=DAY(2015, 10, 10))  # not due yet
    place.problem(p5, DAY(2015, 10, 19), unit=d1, status=pending, resolved_on=DAY(2015, 10, 20))  # late, yesterday
    unlisted = place.project(s1, d1)
    place.problem(unlisted, DAY(2015, 9, 5), unit=d1)  # a project not on a 2015 list
    return subjects


def test_problem_closure_counts_deadlines_in_the_period_that_have_passed(weidong, problems_scenario):
    """September: S1 4 due (10, 15, 20, 30 Sep), 2 solved by their deadline (待销号 or 已销号): 50 %.
    S2: 1 due (1 Sep, open): 0 %. D1: 10, 15 Sep and 1 Sep: 2 of 3, 66.67 %. D2: 20, 30 Sep: 0 of 2."""
    scheme = build_scheme(weidong)
    subjects = problems_scenario
    assert found(measured("problem_closure", scheme, month(9), "street"), subjects, "S1", "S2") == {
        "S1": rate("50.00", 4, 2, 2),
        "S2": rate("0.00", 1, 0, 1),
    }
    assert found(measured("problem_closure", scheme, month(9), "unit"), subjects, "D1", "D2") == {
        "D1": rate("66.67", 3, 2, 1),
        "D2": rate("0.00", 2, 0, 2),
    }


def test_problem_closure_waits_for_a_deadline_to_pass(weidong, problems_scenario):
    """October on the 20th: the 5th (solved in time) and the 19th (solved a day late) are due; the 20th
    (today) and the 25th (already solved) are not yet. On 1 November all four are."""
    scheme = build_scheme(weidong)
    subjects = problems_scenario
    assert found(measured("problem_closure", scheme, month(10), "street"), subjects, "S1", "S2") == {
        "S2": rate("50.00", 2, 1, 1)
    }
    assert found(measured("problem_closure", scheme, month(10), "unit"), subjects, "D1", "D2") == {
        "D1": rate("0.00", 1, 0, 1),
        "D2": rate("100.00", 1, 1, 0),
    }
    later = DAY(2015, 11, 1)
    assert found(measured("problem_closure", scheme, month(10), "street", later), subjects, "S2") == {
        "S2": rate("50.00", 4, 2, 2)
    }
    assert found(measured("problem_closure", scheme, month(10), "unit", later), subjects, "D1", "D2") == {
        "D1": rate("0.00", 1, 0, 1),
        "D2": rate("66.67", 3, 2, 1),
    }


def test_problem_closure_of_a_quarter_and_the_year_counts_every_deadline_in_them(weidong, problems_scenario):
    """Third quarter: September's and August's 31st (solved the 30th). The year on 20 October: also
    October's 5th and 19th."""
    scheme = build_scheme(weidong)
    subjects = problems_scenario
    assert found(measured("problem_closure", scheme, quarter(3), "street"), subjects, "S1", "S2") == {
        "S1": rate("50.00", 4, 2, 2),
        "S2": rate("50.00", 2, 1, 1),
    }
    assert found(measured("problem_closure", scheme, quarter(3), "unit"), subjects, "D1") == {
        "D1": rate("75.00", 4, 3, 1)
    }
    assert found(measured("problem_closure", scheme, YEAR, "street"), subjects, "S2") == {"S2": rate("50.00", 4, 2, 2)}
    assert found(measured("problem_closure", scheme, YEAR, "unit"), subjects, "D1", "D2") == {
        "D1": rate("60.00", 5, 3, 2),
        "D2": rate("33.33", 3, 1, 2),
    }


def test_task_closure_counts_the_owners_replies_by_the_deadline(weidong, place, subjects):
    """September: the street office of S1 owns two (replied in time; replied late and closed): 50 %, for
    the street S1. D1: in progress past its deadline, replied on the day and closed: 1 of 2. D2: sent
    back to be redone: 0 of 1. October's and other districts' tasks do not count."""
    office, d1, d2 = subjects["office1"], subjects["D1"], subjects["D2"]
    place.task(office, DAY(2015, 9, 10), status=TaskStatus.REPLIED, replied_on=DAY(2015, 9, 9))
    place.task(
        office, DAY(2015, 9, 20), status=TaskStatus.CLOSED, replied_on=DAY(2015, 9, 22), closed_on=DAY(2015, 9, 25)
    )
    place.task(d1, DAY(2015, 9, 15), status=TaskStatus.IN_PROGRESS)
    place.task(d1, DAY(2015, 9, 18), status=TaskStatus.CLOSED, replied_on=DAY(2015, 9, 18), closed_on=DAY(2015, 9, 19))
    place.task(d2, DAY(2015, 9, 30), status=TaskStatus.RETURNED, replied_on=DAY(2015, 9, 28))
    place.task(d2, DAY(2015, 10, 25))
    place.task(d2, DAY(2015, 10, 19), status=TaskStatus.REPLIED, replied_on=DAY(2015, 10, 19))
    scheme = build_scheme(weidong)
    assert found(measured("task_closure", scheme, month(9), "street"), subjects, "S1", "S2") == {
        "S1": rate("50.00", 2, 1, 1)
    }
    assert found(measured("task_closure", scheme, month(9), "unit"), subjects, "D1", "D2", "office1") == {
        "D1": rate("50.00", 2, 1, 1),
        "D2": rate("0.00", 1, 0, 1),
        "office1": rate("50.00", 2, 1, 1),  # measured, though only departments are ranked as units
    }
    # October on the 20th: the 19th's (replied on the day) is due, the 25th's not yet.
    assert found(measured("task_closure", scheme, month(10), "unit"), subjects, "D2") == {"D2": rate("100.00", 1, 1, 0)}


# --- report timeliness ----------------------------------------------------------------------------------


@pytest.fixture
def reports_scenario(settings, place, subjects):
    """July's reports are due 25 August, August's 25 September, September's 26 October (the 25th is a
    Sunday); on time until the end of the due day, local time."""
    settings.KP_REPORT_DUE_DAY = 25
    s1, s2, d1, d2 = (subjects[k] for k in ("S1", "S2", "D1", "D2"))
    l1, l2, l3 = place.listed(s1, d1), place.listed(s1, d2), place.listed(s2, d1)
    place.report(l1, 7, at=at(DAY(2015, 8, 20)))  # on time
    place.report(l1, 8, at=at(DAY(2015, 9, 25), 23, 59))  # on time, the last minute
    place.report(l1, 9, at=at(DAY(2015, 10, 10)))  # on time
    place.report(l2, 7, at=at(DAY(2015, 8, 26)))  # late
    # l2's August: missing
    place.report(l2, 9, status=ReportStatus.DRAFT)  # not submitted
    place.report(l3, 7)  # submitted without a recorded time: on time
    place.report(l3, 8, at=at(DAY(2015, 9, 26), 0, 0))  # late, the first minute after
    # l3's September: missing
    return subjects


def test_report_timeliness_counts_late_and_missing_reports_once_their_due_day_passed(weidong, reports_scenario):
    """August: S1 1 of 2 on time (l2 missing), S2 0 of 1 (late); D1 1 of 2, D2 0 of 1."""
    scheme = build_scheme(weidong)
    subjects = reports_scenario
    assert found(measured("report_timeliness", scheme, month(8), "street"), subjects, "S1", "S2") == {
        "S1": rate("50.0", 2, 1, 1),
        "S2": rate("0.0", 1, 0, 1),
    }
    assert found(measured("report_timeliness", scheme, month(8), "unit"), subjects, "D1", "D2") == {
        "D1": rate("50.0", 2, 1, 1),
        "D2": rate("0.0", 1, 0, 1),
    }


def test_before_the_due_day_only_the_reports_in_on_time_count(weidong, reports_scenario):
    """September on 20 October (due the 26th): S1 has l1's in (1 of 1); S2 and D2 nothing yet. On 27
    October the missing ones count: S1 1 of 2, S2 0 of 1."""
    scheme = build_scheme(weidong)
    subjects = reports_scenario
    assert found(measured("report_timeliness", scheme, month(9), "street"), subjects, "S1", "S2") == {
        "S1": rate("100.0", 1, 1, 0)
    }
    assert found(measured("report_timeliness", scheme, month(9), "unit"), subjects, "D1", "D2") == {
        "D1": rate("100.0", 1, 1, 0)
    }
    for due_day in (DAY(2015, 10, 26), DAY(2015, 10, 27)):
        passed = due_day > DAY(2015, 10, 26)
        streets = found(measured("report_timeliness", scheme, month(9), "street", due_day), subjects, "S1", "S2")
        assert streets == (
            {"S1": rate("50.0", 2, 1, 1), "S2": rate("0.0", 1, 0, 1)} if passed else {"S1": rate("100.0", 1, 1, 0)}
        )


def test_report_timeliness_of_a_quarter_sums_its_months(weidong, reports_scenario):
    """Third quarter on 20 October: July and August whole, September's on-time ones.
    S1: 2 + 2 + 1 due, 1 + 1 + 1 on time: 60 %. S2: 1 + 1 + 0 due, 1 + 0 on time: 50 %.
    D1 (l1, l3): 2 + 2 + 1 due, 2 + 1 + 1 on time: 80 %. D2 (l2): 1 + 1 + 0 due, none on time."""
    scheme = build_scheme(weidong)
    subjects = reports_scenario
    assert found(measured("report_timeliness", scheme, quarter(3), "street"), subjects, "S1", "S2") == {
        "S1": rate("60.0", 5, 3, 2),
        "S2": rate("50.0", 2, 1, 1),
    }
    assert found(measured("report_timeliness", scheme, quarter(3), "unit"), subjects, "D1", "D2") == {
        "D1": rate("80.0", 5, 4, 1),
        "D2": rate("0.0", 2, 0, 2),
    }


# --- early milestones -----------------------------------------------------------------------------------


def test_early_milestones_count_those_reached_in_the_period_before_their_planned_day(weidong, place, subjects):
    s1, s2, d1, d2 = (subjects[k] for k in ("S1", "S2", "D1", "D2"))
    p1, p2 = place.listed(s1, d1).project, place.listed(s2, d2).project
    place.milestone(p1, DAY(2015, 9, 20), DAY(2015, 9, 10))  # early, in September
    place.milestone(p1, DAY(2015, 9, 5), DAY(2015, 9, 5))  # on the day: not early
    place.milestone(p1, DAY(2015, 10, 10), DAY(2015, 9, 30))  # early, in September
    place.milestone(p1, DAY(2015, 9, 1), DAY(2015, 9, 3))  # late
    place.milestone(p2, DAY(2015, 9, 30), DAY(2015, 8, 20))  # early, in August
    place.milestone(p2, DAY(2015, 9, 30))  # not reached
    place.milestone(place.project(s2, d2), DAY(2015, 9, 30), DAY(2015, 9, 1))  # a project on no list
    scheme = build_scheme(weidong)

    def counts(n):
        return Value(value=D(n), due=n, done=n).as_dict()

    assert found(measured("early_milestones", scheme, month(9), "street"), subjects, "S1", "S2") == {"S1": counts(2)}
    assert found(measured("early_milestones", scheme, month(9), "unit"), subjects, "D1", "D2") == {"D1": counts(2)}
    assert found(measured("early_milestones", scheme, quarter(3), "street"), subjects, "S1", "S2") == {
        "S1": counts(2),
        "S2": counts(1),
    }
    assert found(measured("early_milestones", scheme, month(8), "unit"), subjects, "D1", "D2") == {"D2": counts(1)}
