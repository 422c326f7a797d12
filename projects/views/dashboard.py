"""The district overview (every role may read the totals) and the leaders' own view."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.template.loader import render_to_string
from django.views.generic import TemplateView

from projects.choices import Level
from projects.extensions import overview_panels
from projects.freshness import cached_figure
from projects.selectors.dashboard import leader_projects, overview
from projects.selectors.empty_states import no_listings_text, office_admin_names
from projects.selectors.printing import print_heading
from projects.views.mixins import figures_period_from, overview_params, region_from


class OverviewView(LoginRequiredMixin, TemplateView):
    """The page most often opened: its content is rendered once per user, period and state of the
    data, then reused until the data changes (projects.freshness)."""

    template_name = "projects/overview.html"

    def get_context_data(self, **kwargs):
        period, level = overview_params(self.request)
        region = region_from(self.request)
        user = self.request.user
        content = cached_figure(
            "overview-page",
            lambda: self.render_content(period, level, region),
            user.pk,
            user.region_id,
            region.pk if region else None,
            *period,
            level,
        )
        # Outside the cached content: the print date changes with the day, not with the data.
        printing = print_heading(region=region, year=period.year, month=period.month, level=level)
        # The panels other apps add (要素保障, 联审联批 …) keep their own caches (projects.extensions).
        panels = overview_panels(self.request, year=period.year, month=period.month, level=level, region=region)
        return super().get_context_data(
            year=period.year, region=region, content=content, printing=printing, panels=panels, **kwargs
        )

    def render_content(self, period, level, region):
        figures = overview(user=self.request.user, year=period.year, month=period.month, level=level, region=region)
        context = {
            "o": figures,
            "levels": Level.choices,
            "months": range(1, 13),
            "no_listings": None if figures.summary.listings else no_listings_text(year=period.year, level=level),
            "year": period.year,
        }
        return render_to_string("projects/_overview.html", context, request=self.request)


class LeaderHomeView(LoginRequiredMixin, TemplateView):
    """我联系的项目: the projects a leader follows, most urgent first, at the period chosen with the
    overview's picker; reads well on a phone."""

    template_name = "projects/leader_home.html"

    def get_context_data(self, **kwargs):
        year, month = figures_period_from(self.request)
        user = self.request.user
        listings = leader_projects(user=user, year=year, month=month)
        return super().get_context_data(
            year=year,
            month=month,
            months=range(1, 13),
            listings=listings,
            contacts=None if listings else office_admin_names(user),
            **kwargs,
        )
