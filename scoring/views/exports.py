"""考核排名.xlsx: a scheme's ranking of its streets and units for one period (``?year=&period=month-9``),
with the points per criterion for those who may read every breakdown (the page's rule,
scoring.selectors.access), named for filing like every other export."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View

from projects.exporters.xlsx import temporary_file
from projects.forms import form_errors
from projects.selectors.reporting import figures_period
from projects.views.exports import download
from scoring.choices import PeriodKind, SubjectKind
from scoring.exporters import export_title, write_ranking
from scoring.forms import ScorePeriodForm
from scoring.periods import ScorePeriod
from scoring.selectors.access import EVERY, breakdown_keys, visible_schemes
from scoring.selectors.scores import ranking


def default_period(scheme):
    """The month a ranking without a period is about: the month figures stand at in the scheme's
    district and year (selectors.reporting.figures_period)."""
    return ScorePeriod(PeriodKind.MONTH, scheme.year, figures_period(scheme.year, region=scheme.district_id).month)


class RankingExportView(LoginRequiredMixin, View):
    """Both rankings (街道, 责任单位) of a scheme the user may read; another office's scheme is 404."""

    def get(self, request, pk):
        scheme = get_object_or_404(visible_schemes(request.user).select_related("district"), pk=pk)
        form = ScorePeriodForm(request.GET)
        period = form.score_period(default_period(scheme))
        if form.errors or period.year != scheme.year:
            wrong_year = "" if form.errors else f"本考核方案是{scheme.year}年的，不能导出{period.year}年的排名。"
            messages.warning(request, "考核周期有误：" + form_errors(form) + wrong_year)
            query = urlencode({"region": scheme.district.code, "year": scheme.year})
            return redirect(f"{reverse('scoring:ranking')}?{query}")
        rankings = [ranking(scheme=scheme, period=period, kind=kind) for kind in SubjectKind.values]
        breakdown = {kind: breakdown_keys(request.user, scheme, kind) is EVERY for kind in SubjectKind.values}
        title = export_title(scheme, period)
        file = temporary_file(write_ranking, title=title, rankings=rankings, breakdown=breakdown)
        return download(file, f"{title}.xlsx")
