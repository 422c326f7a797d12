"""考核排名: a district's ranking of its streets and units for a period (a node above a district
picks one of its districts), one street's or unit's breakdown with what stands behind each number,
and freezing (定稿) a closed period. Who sees what is scoring.selectors.access's to say."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from projects.choices import RegionKind
from projects.scoping import districts_under, office_districts, visible_regions
from projects.selectors.reporting import figures_period
from projects.views.mixins import region_from
from scoring.choices import PeriodKind, SubjectKind
from scoring.forms import ScorePeriodForm, period_choices, period_param
from scoring.periods import ScorePeriod
from scoring.selectors.access import EVERY, breakdown_keys, may_manage, may_see_breakdown, visible_schemes
from scoring.selectors.links import breakdown_lines
from scoring.selectors.scores import ranking, subjects
from scoring.services.freeze import open_months, sheet_freeze

NOT_FOUND = "没有这个考核对象，或不在您的范围内。"


def period_query(period, **extra):
    """The query string a page of ``period`` carries: ``year=2015&period=month-9`` (and ``extra``)."""
    return urlencode({**extra, "year": period.year, "period": period_param(period)})


def ranking_url(scheme, period=None):
    query = {"region": scheme.district.code}
    if period is not None:
        return f"{reverse('scoring:ranking')}?{period_query(period, **query)}"
    return f"{reverse('scoring:ranking')}?{urlencode({**query, 'year': scheme.year})}"


def breakdown_url(scheme, kind, key, period):
    return f"{reverse('scoring:subject_score', args=[scheme.pk, kind, key])}?{period_query(period)}"


def warn_of_errors(request, form):
    """Name each wrong value of ``form`` in a message: the page shows its default instead."""
    for field, errors in form.errors.items():
        messages.warning(request, f"参数「{form.fields[field].label}」有误：{'；'.join(errors)}已使用默认值。")


def parsed_period(request, form, default):
    """The period ``form`` asks for, ``default`` filling what it lacks; a wrong value is named in a
    message and replaced by its default."""
    period = form.score_period(default)
    warn_of_errors(request, form)
    return period


def default_period(year, district_id):
    """The month figures stand at in the district (of ``year`` when given), as a month period."""
    figures = figures_period(year, region=district_id)
    return ScorePeriod(PeriodKind.MONTH, figures.year, figures.month)


@dataclass(frozen=True)
class TableRow:
    score: object  # SubjectScore
    url: str  # its breakdown, "" when the user may not open it


@dataclass(frozen=True)
class RankingTable:
    """One of the page's two tables: the streets' or the units' ranking as the user may read it."""

    kind: str
    label: str
    ranking: object  # Ranking
    rows: list  # TableRow
    show_criteria: bool  # the per-criterion points and a total's parts: only for those who read every breakdown

    @property
    def ranked_count(self):
        return len(self.ranking.ranked)


def ranking_table(user, scheme, period, kind):
    scores = ranking(scheme=scheme, period=period, kind=kind)
    keys = breakdown_keys(user, scheme, kind)
    rows = [
        TableRow(row, breakdown_url(scheme, kind, row.key, period) if keys is EVERY or row.key in keys else "")
        for row in scores.rows
    ]
    return RankingTable(kind, SubjectKind(kind).label, scores, rows, show_criteria=keys is EVERY)


class RankingView(LoginRequiredMixin, View):
    """GET ``?region=&year=&period=``: the district's ranking (a node above one: its districts with a
    scheme of the year), 404 for a node outside the user's."""

    def get(self, request):
        user = request.user
        region = region_from(request)
        form = ScorePeriodForm(request.GET)
        form.is_valid()
        year = form.cleaned_data.get("year")
        if region is None:
            return render(request, "scoring/ranking.html", {"no_region": True})
        if region.kind != RegionKind.DISTRICT:
            warn_of_errors(request, form)
            year = year or figures_period(region=region.pk).year
            return self.districts(request, region, year, form.cleaned_data.get("period"))
        period = parsed_period(request, form, default_period(year, region.pk))
        scheme = visible_schemes(user).select_related("district").filter(district=region, year=period.year).first()
        context = {
            "region": region,
            "period": period,
            "scheme": scheme,
            "period_choices": period_choices(),
            "selected": period_param(period),
            # a city's office came from its districts' list: the way back
            "parent": visible_regions(user).filter(pk=region.parent_id).first() if region.parent_id else None,
        }
        if scheme is None:
            context["may_create"] = office_districts(user).filter(pk=region.pk).exists()
            return render(request, "scoring/ranking.html", context)
        tables = [ranking_table(user, scheme, period, kind) for kind in SubjectKind.values]
        sheet = tables[0].ranking.sheet
        manager = may_manage(user, scheme)
        context.update(
            tables=tables,
            sheet=sheet,
            frozen_by=sheet.frozen_by if sheet else None,
            manager=manager,
            still_open=open_months(scheme, period) if manager and sheet is None else [],
            query=period_query(period),
        )
        return render(request, "scoring/ranking.html", context)

    def districts(self, request, region, year, period):
        """A node above a district: its districts with a scheme of ``year``, each a link to its ranking
        (of ``period`` when one was asked for)."""
        schemes = (
            visible_schemes(request.user)
            .filter(year=year, district__in=districts_under(region))
            .select_related("district")
            .order_by("district__code")
        )
        query = urlencode({"year": year, **({"period": period} if period else {})})
        context = {"region": region, "year": year, "district_schemes": schemes, "picking": True, "query": query}
        return render(request, "scoring/ranking.html", context)


class SubjectScoreView(LoginRequiredMixin, View):
    """GET ``?year=&period=``: one street's or unit's points per criterion, what was measured and the
    links to what stands behind each number; its adjustments, total and rank. 404 unless the user
    may read the breakdown (scoring.selectors.access.may_see_breakdown)."""

    def get(self, request, pk, kind, subject):
        user = request.user
        scheme = get_object_or_404(visible_schemes(user).select_related("district"), pk=pk)
        if kind not in SubjectKind.values:
            raise Http404(NOT_FOUND)
        of_district = subject in dict(subjects(scheme.district_id, kind))
        if not of_district or not may_see_breakdown(user, scheme, kind, subject):
            raise Http404(NOT_FOUND)
        form = ScorePeriodForm(request.GET)
        period = parsed_period(request, form, default_period(scheme.year, scheme.district_id))
        if period.year != scheme.year:
            messages.warning(request, f"该考核方案为{scheme.year}年度，已显示{scheme.year}年的考核明细。")
            period = ScorePeriod(period.kind, scheme.year, period.number)
        scores = ranking(scheme=scheme, period=period, kind=kind)
        row = scores.row(subject)
        if row is None:  # frozen before the street or unit existed
            raise Http404(NOT_FOUND)
        context = {
            "scheme": scheme,
            "period": period,
            "kind_label": SubjectKind(kind).label,
            "row": row,
            "ranking": scores,
            "sheet": scores.sheet,
            "frozen_by": scores.sheet.frozen_by if scores.sheet else None,
            "lines": breakdown_lines(scheme=scheme, period=period, row=row, region_code=scheme.district.code),
            "ranked_count": len(scores.ranked),
            "ranking_url": ranking_url(scheme, period),
            "period_choices": period_choices(),
            "selected": period_param(period),
        }
        return render(request, "scoring/subject_score.html", context)


class SheetFreezeView(LoginRequiredMixin, View):
    """POST ``year``, ``period``: freeze the period (services.freeze.sheet_freeze); a refusal is a
    message on the ranking page. Out of sight 404, not the district's office 403."""

    http_method_names = ["post"]

    def post(self, request, pk):
        user = request.user
        scheme = get_object_or_404(visible_schemes(user).select_related("district"), pk=pk)
        if not may_manage(user, scheme):
            raise PermissionDenied("只有本区项目办管理员可以定稿。")
        form = ScorePeriodForm(request.POST)
        if not form.is_valid() or not form.cleaned_data.get("period"):
            messages.error(request, "未定稿：请选择要定稿的考核周期。")
            return redirect(ranking_url(scheme))
        period = form.score_period(ScorePeriod(PeriodKind.MONTH, scheme.year, 1))
        try:
            sheet_freeze(user=user, scheme=scheme, period=period)
        except ValidationError as error:
            messages.error(request, "未定稿：" + "；".join(error.messages))
        else:
            messages.success(request, f"{period.label}考核结果已定稿，此后数据和方案的变化不再影响本期得分。")
        return redirect(ranking_url(scheme, period))
