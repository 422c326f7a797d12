"""The measures a criterion scores, per street or per unit of a district, for one period: each read
from the selector the pages show it from, grouped by the subject in one query.

| measure | read from | a street's | a unit's (a department's) |
|---|---|---|---|
| investment | projects.selectors.figures (the overview's pass) | its projects | projects it is responsible for |
| start / completion rate | the same groups (开工率, 建成率) | 〃 | 〃 |
| approval rate | approvals.selectors.figures (联审联批办结率) | items of its projects | items it owns |
| problem closure | the ledger's deadline and 销号 rule | problems of its projects | problems it is to solve |
| task closure | dispatch's tasks and their overdue rule | tasks its street office owns | tasks it owns |
| report timeliness | projects.selectors.timeliness (报送及时率) | its projects | projects it is responsible for |
| early milestones | the projects' milestones (节点) | its projects | projects it is responsible for |

Investment and starts are read at the end of the period's last month — for a period still running,
at the end of its latest month with reports (scored_month), so a year is not held to December's
schedule in October; completions are the projects' status today (as the overview's 建成率). Items
with a deadline (problems, tasks, reports) count when their deadline falls in the period and has
passed."""

import datetime
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q

from approvals.models import ApprovalItem
from approvals.selectors.figures import rate_by_department, rate_by_street
from dispatch.models import Task, answered_on_time_condition
from projects.choices import Category, Level
from projects.models import Listing, Milestone, Problem, solved_on_time_condition
from projects.selectors.figures import PLACE_KEYS, figure_groups, percent_of, schedule_percent, with_figures
from projects.selectors.reporting import latest_reported_month
from projects.selectors.timeliness import listing_timeliness, report_due, timeliness_rate
from scoring.choices import Measure, SubjectKind

HUNDREDTH = Decimal("0.01")
# Higher levels first: a project on several of a year's lists is scored once, on its highest.
LEVEL_RANK = {Level.PROVINCE: 0, Level.CITY: 1, Level.DISTRICT: 2}


@dataclass(frozen=True)
class Value:
    """What a measure found for one subject. ``value`` is the percentage a rate formula reads (for
    early milestones, their count); None when there was nothing to measure. ``due``, ``done`` and
    ``late`` count the items behind it (a per-item formula reads ``late`` or ``done``); investment
    has amounts instead (``plan``, ``cumulative`` in 万元, ``percent`` of the plan, ``schedule``)."""

    value: Decimal | None = None
    due: int = 0
    done: int = 0
    late: int = 0
    plan: Decimal | None = None
    cumulative: Decimal | None = None
    percent: Decimal | None = None
    schedule: Decimal | None = None

    @property
    def measured(self):
        """Whether there was anything to measure."""
        return self.value is not None or self.due > 0 or self.done > 0

    def as_dict(self):
        return {name: (str(v) if isinstance(v, Decimal) else v) for name, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data):
        decimals = ("value", "plan", "cumulative", "percent", "schedule")
        return cls(**{k: (Decimal(v) if k in decimals and v is not None else v) for k, v in data.items()})


NOTHING = Value()


def scored_listings(scheme):
    """The listings a scheme scores: its district's listings of its year, of its level; for a scheme
    of every level, each project once, on its highest list."""
    listings = Listing.objects.filter(project__district_id=scheme.district_id, year=scheme.year)
    if scheme.level:
        return listings.filter(level=scheme.level)
    higher = {level: [other for other, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[level]] for level in LEVEL_RANK}
    shadowed = Q()
    for level, above in higher.items():
        if above:
            on_higher = Listing.objects.filter(project=OuterRef("project"), year=scheme.year, level__in=above)
            shadowed |= Q(level=level) & Q(Exists(on_higher))
    return listings.exclude(shadowed)


def scored_month(scheme, period, today):
    """The month whose cumulative figures ``period`` is scored on: its last month once it has ended;
    while it runs, its latest month with a submitted report in the district (its first month when
    none has come in yet)."""
    if period.last_day < today:
        return period.end_month
    latest = latest_reported_month(period.year, region=scheme.district_id) or 0
    return max(period.months[0], min(period.end_month, latest))


class Context:
    """One scheme, period and day, with the queries several measures share."""

    def __init__(self, scheme, period, today, month=None):
        self.scheme = scheme
        self.period = period
        self.today = today
        self.month = month or scored_month(scheme, period, today)
        self.listings = scored_listings(scheme)
        self._groups = None

    @property
    def projects(self):
        return self.listings.values("project_id")

    @property
    def passed_until(self):
        """The last day of the period whose deadlines have passed (yesterday at the latest)."""
        return min(self.period.last_day, self.today - datetime.timedelta(days=1))

    def groups(self):
        """The overview's grouped pass over the listings at the period's end (figure_groups)."""
        if self._groups is None:
            month = self.month
            self._groups = figure_groups(with_figures(self.listings, month=month), month, places=PLACE_KEYS)
        return self._groups


LISTING_KEYS = {SubjectKind.STREET: "project__street", SubjectKind.UNIT: "project__unit"}


def _summed(groups, key, matches, *fields):
    """{subject: [sum of each field]} over the groups that ``matches``."""
    sums = {}
    for group in groups:
        if matches(group):
            row = sums.setdefault(group[key], [0] * len(fields))
            for i, name in enumerate(fields):
                row[i] += group[name]
    return sums


def investment(ctx, kind):
    """投资完成率占时序进度: (cumulative ÷ plan) ÷ (month ÷ 12), in percent; 100 means on schedule.

    The ratio is of the amounts (cumulative × 1200 ÷ (plan × month)), rounded once: not of the shown
    percentage and schedule, each already rounded (5/12 shows as 41.67), which would put a street
    exactly 20 % ahead in May at 119.99 and cost it points at a bound."""
    key = LISTING_KEYS[kind]
    month = ctx.month
    schedule = schedule_percent(month)
    values = {}
    for subject, (plan, done) in _summed(ctx.groups(), key, lambda g: True, "plan", "done").items():
        plan, done = plan.quantize(HUNDREDTH), done.quantize(HUNDREDTH)
        percent = percent_of(done, plan)
        ratio = None if percent is None else (done * 1200 / (plan * month)).quantize(HUNDREDTH, ROUND_HALF_UP)
        values[subject] = Value(value=ratio, plan=plan, cumulative=done, percent=percent, schedule=schedule)
    return values


def start_rate(ctx, kind):
    """The overview's 开工率: new starts due to have started by the period's end, and those started."""
    key = LISTING_KEYS[kind]
    new_starts = _summed(ctx.groups(), key, lambda g: g["category"] == Category.NEW_START, "n")
    planned = _summed(ctx.groups(), key, lambda g: g["category"] == Category.NEW_START and g["planned_by_month"], "n")
    started = _summed(ctx.groups(), key, lambda g: g["category"] == Category.NEW_START and g["started"], "n")
    late = _summed(
        ctx.groups(),
        key,
        lambda g: g["category"] == Category.NEW_START and g["planned_by_month"] and not g["started"],
        "n",
    )
    values = {}
    for subject in new_starts:
        due, done = planned.get(subject, [0])[0], started.get(subject, [0])[0]
        values[subject] = Value(value=percent_of(done, due), due=due, done=done, late=late.get(subject, [0])[0])
    return values


def completion_rate(ctx, kind):
    """The overview's 建成率: projects to be completed this year (计划建成) and those completed."""
    key = LISTING_KEYS[kind]
    completions = lambda g: g["category"] == Category.COMPLETION  # noqa: E731
    planned = _summed(ctx.groups(), key, completions, "n")
    finished = _summed(ctx.groups(), key, lambda g: completions(g) and g["finished"], "n")
    values = {}
    for subject, (due,) in planned.items():
        done = finished.get(subject, [0])[0]
        values[subject] = Value(value=percent_of(done, due), due=due, done=done, late=due - done)
    return values


def approval_rate(ctx, kind):
    """联审联批办结率 (approvals.selectors.figures): items counted by the period's end, and those done."""
    items = ApprovalItem.objects.filter(project_id__in=ctx.projects)
    grouped = rate_by_street if kind == SubjectKind.STREET else rate_by_department
    rows = grouped(items, year=ctx.period.year, month=ctx.month, today=ctx.today)
    return {
        row.key: Value(value=row.percent, due=row.counted, done=row.done, late=row.counted - row.done)
        for row in rows
        if row.counted
    }


def _closure(rows, key, on_time):
    grouped = rows.order_by().values(key).annotate(due=Count("pk"), done=Count("pk", filter=on_time))
    return {
        row[key]: Value(
            value=percent_of(row["done"], row["due"]), due=row["due"], done=row["done"], late=row["due"] - row["done"]
        )
        for row in grouped
    }


def problem_closure(ctx, kind):
    """问题按期办结率: problems whose deadline fell in the period (and has passed), and those the
    street reported solved by the deadline (待销号 or 已销号) — the ledger's overdue rule."""
    problems = Problem.objects.filter(
        project_id__in=ctx.projects, deadline__gte=ctx.period.first_day, deadline__lte=ctx.passed_until
    )
    return _closure(problems, "project__street" if kind == SubjectKind.STREET else "unit", solved_on_time_condition())


def task_closure(ctx, kind):
    """交办事项按期办结率: tasks whose deadline fell in the period (and has passed), and those the owner
    answered by the deadline (已回复 or 已销号) — dispatch's overdue rule."""
    tasks = Task.objects.filter(
        district_id=ctx.scheme.district_id, deadline__gte=ctx.period.first_day, deadline__lte=ctx.passed_until
    )
    return _closure(tasks, "owner__street" if kind == SubjectKind.STREET else "owner", answered_on_time_condition())


def report_timeliness(ctx, kind):
    """报送及时率 (projects.selectors.timeliness) over the period's months: a report late or missing
    once its due day has passed is late; before then only the reports already in on time count
    (nobody is late yet)."""
    sums = {}
    for month in ctx.period.months:
        passed = report_due(ctx.period.year, month).date < ctx.today
        timeliness = listing_timeliness(ctx.listings, year=ctx.period.year, month=month, by=kind)
        for row in timeliness.rows:
            due, on_time = sums.get(row.key, (0, 0))
            sums[row.key] = (due + (row.due if passed else row.on_time), on_time + row.on_time)
    return {
        subject: Value(value=timeliness_rate(on_time, due), due=due, done=on_time, late=due - on_time)
        for subject, (due, on_time) in sums.items()
        if due
    }


def early_milestones(ctx, kind):
    """节点提前完成: milestones reached in the period before their planned date (a bonus)."""
    early = Milestone.objects.filter(
        project_id__in=ctx.projects,
        actual_date__gte=ctx.period.first_day,
        actual_date__lte=ctx.period.last_day,
        actual_date__lt=F("planned_date"),
    )
    key = LISTING_KEYS[kind]
    grouped = early.order_by().values(key).annotate(n=Count("pk"))
    return {row[key]: Value(value=Decimal(row["n"]), due=row["n"], done=row["n"]) for row in grouped}


MEASURES = {
    Measure.INVESTMENT: investment,
    Measure.START_RATE: start_rate,
    Measure.COMPLETION_RATE: completion_rate,
    Measure.APPROVAL_RATE: approval_rate,
    Measure.PROBLEM_CLOSURE: problem_closure,
    Measure.TASK_CLOSURE: task_closure,
    Measure.REPORT_TIMELINESS: report_timeliness,
    Measure.EARLY_MILESTONES: early_milestones,
}


def measure_values(measure, ctx, kind):
    """{subject id: Value} of ``measure`` for the streets or units (``kind``); a subject absent had
    nothing to measure (NOTHING)."""
    return MEASURES[Measure(measure)](ctx, kind)
