"""Scores and the ranking of a district's streets or units for one period.

Open periods are computed from the data every time (scoring.selectors.measures, scoring.formulas);
a frozen period (ScoreSheet) is read from what was stored when it was frozen, with the scheme it
used then. Both come back as the same Ranking, so the page, the export and the bulletin read one
shape. Ties share a rank (1, 2, 2, 4), and tied subjects keep the district's order of its streets
or units."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from projects import clock
from projects.choices import Level, UnitKind
from projects.models import Street, Unit
from scoring.choices import Formula, SubjectKind
from scoring.formulas import Rule, points
from scoring.models import Adjustment, ScoreSheet
from scoring.periods import ScorePeriod
from scoring.selectors.measures import NOTHING, Context, Value, measure_values, scored_month

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CriterionSnapshot:
    """A criterion as a ranking used it (read from the scheme, or from a frozen sheet)."""

    id: int
    name: str
    measure: str
    applies_to: str
    formula: str
    weight: Decimal
    lower: Decimal | None
    upper: Decimal | None
    target: Decimal | None
    per_item: Decimal | None

    @property
    def is_bonus(self):
        return self.formula == Formula.PER_ITEM_BONUS

    @classmethod
    def of(cls, criterion):
        return cls(
            id=criterion.pk,
            name=criterion.name,
            measure=criterion.measure,
            applies_to=criterion.applies_to,
            formula=criterion.formula,
            weight=criterion.weight,
            lower=criterion.lower,
            upper=criterion.upper,
            target=criterion.target,
            per_item=criterion.per_item,
        )

    def applies(self, kind):
        return self.applies_to in ("both", kind)

    def as_dict(self):
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data):
        decimals = ("weight", "lower", "upper", "target", "per_item")
        return cls(**{k: (Decimal(v) if k in decimals and v is not None else v) for k, v in data.items()})


@dataclass(frozen=True)
class CriterionScore:
    criterion: CriterionSnapshot
    value: Value
    points: Decimal

    @property
    def not_applicable(self):
        """Nothing to measure: full marks on a base criterion (不涉及)."""
        return not self.value.measured


@dataclass(frozen=True)
class AdjustmentLine:
    id: int
    points: Decimal
    reason: str
    by: str
    at: str  # ISO date and time


@dataclass(frozen=True)
class SubjectScore:
    kind: str
    key: int
    name: str
    criteria: tuple  # CriterionScore, in the scheme's order
    adjustments: tuple  # AdjustmentLine
    base: Decimal  # the base criteria's points (out of 100)
    bonus: Decimal
    adjustment: Decimal
    total: Decimal
    rank: int | None = None  # None: nothing to score this period (not ranked)

    @property
    def ranked(self):
        return self.rank is not None


@dataclass(frozen=True)
class Ranking:
    scheme: object  # scoring.models.Scheme
    period: ScorePeriod
    kind: str
    criteria: tuple  # CriterionSnapshot applying to this kind
    rows: tuple  # SubjectScore: ranked ones by rank, then the unranked
    sheet: ScoreSheet | None  # the frozen sheet it was read from; None: computed now
    as_of_month: int | None = None  # the month the figures were read at (a running period's latest reported)

    @property
    def scheme_level_label(self):
        """The lists the scores covered ("市重点"; "" for all of them), as the scheme stood when they were
        frozen, else today."""
        level = self.sheet.scheme_snapshot.get("level", "") if self.frozen else self.scheme.level
        return dict(Level.choices).get(level, "")

    @property
    def running(self):
        """Scored before the period's end, on the figures of an earlier month."""
        return self.as_of_month is not None and self.as_of_month != self.period.end_month

    @property
    def frozen(self):
        return self.sheet is not None

    @property
    def scheme_name(self):
        """The name of the scheme the scores used: a frozen sheet's own, else the scheme's today."""
        return self.sheet.scheme_snapshot["name"] if self.frozen else self.scheme.name

    @property
    def ranked(self):
        return [row for row in self.rows if row.ranked]

    def row(self, key):
        return next((row for row in self.rows if row.key == key), None)


FIGURE_KEYS = {SubjectKind.STREET: "streets", SubjectKind.UNIT: "units"}


def ranking_figures(rankings):
    """The rankings (one per kind, of one scheme and period) as the bulletin stores them: the
    scheme's name, the period, whether frozen, and [rank, name, total] of each ranked subject, the
    total as text (Decimal kept exact)."""
    first = rankings[0]
    figures = {"scheme": first.scheme_name, "period": first.period.label, "frozen": first.frozen}
    for ranking in rankings:
        figures[FIGURE_KEYS[ranking.kind]] = [[row.rank, row.name, str(row.total)] for row in ranking.ranked]
    return figures


def subjects(district_id, kind):
    """[(id, name)] of the streets, or of the departments (区直部门), of a district, in its order."""
    if kind == SubjectKind.STREET:
        rows = Street.objects.filter(district_id=district_id).order_by("sort_order", "name")
    else:
        rows = Unit.objects.filter(district_id=district_id, kind=UnitKind.DEPARTMENT).order_by("sort_order", "name")
    return list(rows.values_list("pk", "name"))


def scheme_criteria(scheme):
    return tuple(CriterionSnapshot.of(c) for c in scheme.criteria.order_by("sort_order", "id"))


def adjustment_lines(scheme, period, kind):
    """{subject id: [AdjustmentLine]} of the period's adjustments in force (not withdrawn)."""
    rows = (
        Adjustment.objects.filter(
            scheme=scheme, period_kind=period.kind, number=period.number, subject_kind=kind, withdrawn_at__isnull=True
        )
        .select_related("created_by")
        .order_by("created_at", "pk")
    )
    lines = {}
    for row in rows:
        lines.setdefault(row.subject_id, []).append(
            AdjustmentLine(
                id=row.pk,
                points=row.points,
                reason=row.reason,
                by=str(row.created_by),
                at=timezone.localtime(row.created_at).isoformat(timespec="minutes"),
            )
        )
    return lines


def ranked(rows):
    """Rank rows that have something scored by total, highest first; equal totals share a rank and
    keep their order. Rows with nothing scored follow, unranked."""
    scored = sorted((r for r in rows if r.rank != -1), key=lambda r: -r.total)
    out, rank, previous = [], 0, None
    for position, row in enumerate(scored, start=1):
        if row.total != previous:
            rank, previous = position, row.total
        out.append(SubjectScore(**{**row.__dict__, "rank": rank}))
    return tuple(out) + tuple(SubjectScore(**{**r.__dict__, "rank": None}) for r in rows if r.rank == -1)


def compute(scheme, period, kind, *, criteria=None, today=None, month=None):
    """The live scores of every street or unit (``kind``) of the scheme's district for ``period``
    (read at ``month``, measures.scored_month, when the caller knows it already)."""
    today = today or clock.today()
    criteria = tuple(c for c in (criteria or scheme_criteria(scheme)) if c.applies(kind))
    ctx = Context(scheme, period, today, month)
    values = {c.id: measure_values(c.measure, ctx, kind) for c in criteria}
    adjustments = adjustment_lines(scheme, period, kind)
    rows = []
    for key, name in subjects(scheme.district_id, kind):
        scores = tuple(
            CriterionScore(criterion=c, value=(v := values[c.id].get(key, NOTHING)), points=points(Rule.of(c), v))
            for c in criteria
        )
        lines = tuple(adjustments.get(key, ()))
        base = sum((s.points for s in scores if not s.criterion.is_bonus), ZERO)
        bonus = sum((s.points for s in scores if s.criterion.is_bonus), ZERO)
        adjustment = sum((line.points for line in lines), ZERO)
        # Ranked on what was measured: a subject with nothing measured would rank on full marks (不涉及)
        # it never earned, adjustment or not.
        measured = any(s.value.measured for s in scores)
        rows.append(
            SubjectScore(
                kind=kind,
                key=key,
                name=name,
                criteria=scores,
                adjustments=lines,
                base=base,
                bonus=bonus,
                adjustment=adjustment,
                total=base + bonus + adjustment,
                rank=0 if measured else -1,
            )
        )
    return criteria, ranked(rows)


def ranking(*, scheme, period, kind, today=None):
    """The ranking of the streets or units (``kind``) for ``period``: the frozen sheet's when the
    period is frozen, else computed now."""
    sheet = ScoreSheet.objects.filter(scheme=scheme, period_kind=period.kind, number=period.number).first()
    if sheet is not None:
        return thawed(sheet, kind)
    today = today or clock.today()
    month = scored_month(scheme, period, today)
    criteria, rows = compute(scheme, period, kind, today=today, month=month)
    return Ranking(scheme=scheme, period=period, kind=kind, criteria=criteria, rows=rows, sheet=None, as_of_month=month)


# Frozen sheets: the rankings of both kinds as JSON, read back into the same dataclasses.


def _score_dict(row):
    return {
        "key": row.key,
        "name": row.name,
        "rank": row.rank,
        "base": str(row.base),
        "bonus": str(row.bonus),
        "adjustment": str(row.adjustment),
        "total": str(row.total),
        "criteria": [{"id": s.criterion.id, "value": s.value.as_dict(), "points": str(s.points)} for s in row.criteria],
        "adjustments": [{**line.__dict__, "points": str(line.points)} for line in row.adjustments],
    }


def frozen_content(scheme, period, *, today=None):
    """(scheme snapshot, rows) that freezing ``period`` stores: the scheme and its criteria, and both
    kinds' scores as computed now."""
    criteria = scheme_criteria(scheme)
    snapshot = {
        "name": scheme.name,
        "level": scheme.level,
        "criteria": [c.as_dict() for c in criteria],
    }
    rows = {}
    for kind in SubjectKind.values:
        _, scored = compute(scheme, period, kind, criteria=criteria, today=today)
        rows[kind] = [_score_dict(row) for row in scored]
    return snapshot, rows


def thawed(sheet, kind):
    """The Ranking stored in a frozen sheet."""
    every = {c["id"]: CriterionSnapshot.from_dict(c) for c in sheet.scheme_snapshot["criteria"]}
    criteria = tuple(c for c in every.values() if c.applies(kind))
    rows = tuple(
        SubjectScore(
            kind=kind,
            key=row["key"],
            name=row["name"],
            criteria=tuple(
                CriterionScore(criterion=every[s["id"]], value=Value.from_dict(s["value"]), points=Decimal(s["points"]))
                for s in row["criteria"]
            ),
            adjustments=tuple(
                AdjustmentLine(**{**line, "points": Decimal(line["points"])}) for line in row["adjustments"]
            ),
            base=Decimal(row["base"]),
            bonus=Decimal(row["bonus"]),
            adjustment=Decimal(row["adjustment"]),
            total=Decimal(row["total"]),
            rank=row["rank"],
        )
        for row in sheet.rows[kind]
    )
    period = ScorePeriod(sheet.period_kind, sheet.scheme.year, sheet.number)
    return Ranking(scheme=sheet.scheme, period=period, kind=kind, criteria=criteria, rows=rows, sheet=sheet)
