"""The district overview (every role may read the totals) and the leaders' own view."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.loader import render_to_string
from django.views.generic import TemplateView

from projects.charts import monthly_chart
from projects.choices import Level
from projects.forms import OverviewForm
from projects.freshness import cached_figure
from projects.selectors.dashboard import (
    WARNING_LABELS,
    figures_month,
    latest_reported_period,
    leader_projects,
    overview,
)


def overview_params(request):
    """(year, month, level) from GET, defaulting to the latest reported year at city level, at the
    month its figures stand (selectors.dashboard.figures_month); a bad value is reported and
    replaced by its default."""
    form = OverviewForm(request.GET)
    form.is_valid()
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else field
        messages.warning(request, f"参数「{label}」有误：{'；'.join(errors)}已使用默认值。")
    data = getattr(form, "cleaned_data", {})
    year = data.get("year") or latest_reported_period()[0]
    month = data.get("month") or figures_month(year)[0]
    level = data.get("level") or Level.CITY
    return year, month, level


class OverviewView(LoginRequiredMixin, TemplateView):
    """The page most often opened: its content is rendered once per user, period and state of the
    data, then reused until the data changes (projects.freshness)."""

    template_name = "projects/overview.html"

    def get_context_data(self, **kwargs):
        year, month, level = overview_params(self.request)
        user = self.request.user
        content = cached_figure(
            "overview-page", lambda: self.render_content(year, month, level), user.pk, year, month, level
        )
        return super().get_context_data(year=year, content=content, **kwargs)

    def render_content(self, year, month, level):
        figures = overview(user=self.request.user, year=year, month=month, level=level)
        context = {
            "o": figures,
            "chart": monthly_chart(figures.monthly),
            "levels": Level.choices,
            "months": range(1, 13),
            "warning_labels": WARNING_LABELS,
        }
        return render_to_string("projects/_overview.html", context, request=self.request)


class LeaderHomeView(LoginRequiredMixin, TemplateView):
    """我联系的项目: the projects a leader follows, most urgent first; reads well on a phone."""

    template_name = "projects/leader_home.html"

    def get_context_data(self, **kwargs):
        year, month, _ = overview_params(self.request)
        return super().get_context_data(
            year=year,
            month=month,
            listings=leader_projects(user=self.request.user, year=year, month=month),
            warning_labels=WARNING_LABELS,
            **kwargs,
        )
