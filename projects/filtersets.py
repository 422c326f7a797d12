"""Filters of the list pages, from GET parameters; one FilterSet per model, free text in ``q``."""

import django_filters
from django.db.models import Exists, OuterRef

from projects.choices import (
    Batch,
    Category,
    Level,
    ProblemKind,
    ProblemStatus,
    ProjectStatus,
    Stage,
    WarningLight,
)
from projects.forms import DATE_INPUT, PeriodForm, form_errors
from projects.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Assignment,
    Leader,
    Listing,
    Problem,
    Region,
    Street,
    Unit,
    overdue_condition,
    solved_on_time_condition,
)
from projects.periods import Period
from projects.scoping import home_region_id
from projects.search import matching_every_word
from projects.selectors.choices import user_choices
from projects.selectors.projects import listing_rows
from projects.selectors.reporting import REPORT_STATE_LABELS, figures_period, year_reported
from projects.widgets import QuickSelect, show_choices

# The lights a list can be filtered by, named by colour and meaning: 红灯（严重滞后）.
WARNING_FILTER = [
    (light, f"{colour}灯（{light.label}）")
    for light, colour in ((WarningLight.GREEN, "绿"), (WarningLight.YELLOW, "黄"), (WarningLight.RED, "红"))
]


class ChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose select is rendered without a template per option (widgets.QuickSelect)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=kwargs.pop("widget", QuickSelect), **kwargs)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filter rendered as ChoiceFilter is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=kwargs.pop("widget", QuickSelect), **kwargs)


def followed_by(leader):
    """The projects a leader follows now (active 四个一 assignments)."""
    return Assignment.objects.filter(leader=leader, active=True).values("project_id")


class PeopleOfTheNodeMixin:
    """The district, street, unit and leader choices are those of the nodes the user may read
    (scoping.visible_regions): 卫东区's office never lists 新华区's streets. The 区县 filter is there
    only for a user who reads several districts (a city's or province's office). The choices are
    read once per data version (selectors.choices), not on each page view."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_choices = user_choices(user)
        self.choices = self.user_choices.visible
        self.several_districts = self.choices.several_districts
        if self.several_districts:
            self.filters["district"].queryset = self.choices.district_rows()
        else:
            del self.filters["district"]
        self.filters["street"].queryset = self.choices.street_rows()
        self.filters["unit"].queryset = self.choices.unit_rows()
        self.filters["leader"].queryset = self.choices.leader_rows()

    @property
    def form(self):
        if not hasattr(self, "_form"):
            fields = super().form.fields
            for name, options in (
                ("district", self.choices.districts),
                ("street", self.choices.streets),
                ("unit", self.choices.units),
                ("leader", self.choices.leaders),
            ):
                if name in fields:
                    show_choices(fields[name], options)
        return self._form


def district_filter():
    return ModelChoiceFilter(
        label="区县", field_name="project__district", queryset=Region.objects.none(), empty_label="全部区县"
    )


class ProblemFilterSet(PeopleOfTheNodeMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键字", method="search")
    status = ChoiceFilter(label="状态", choices=ProblemStatus.choices, empty_label="全部状态")
    kind = ChoiceFilter(label="问题类型", choices=ProblemKind.choices, empty_label="全部类型")
    district = district_filter()
    street = ModelChoiceFilter(
        label="街道", field_name="project__street", queryset=Street.objects.all(), empty_label="全部街道"
    )
    unit = ModelChoiceFilter(label="责任单位", queryset=Unit.objects.all(), empty_label="全部单位")
    leader = ModelChoiceFilter(
        label="联系领导", queryset=Leader.objects.all(), method="filter_leader", empty_label="全部领导"
    )
    overdue = ChoiceFilter(
        label="是否逾期",
        choices=[("true", "已逾期"), ("false", "未逾期")],
        method="filter_overdue",
        empty_label="不限",
    )
    # What a 考核 breakdown's counts of problems link to (scoring.selectors.links): the problems due
    # in a period, of the projects on a year's lists, solved by their deadline or not.
    due_after = django_filters.DateFilter(
        label="办结期限从", field_name="deadline", lookup_expr="gte", widget=DATE_INPUT
    )
    due_before = django_filters.DateFilter(label="至", field_name="deadline", lookup_expr="lte", widget=DATE_INPUT)
    on_time = ChoiceFilter(
        label="是否按期解决",
        choices=[("true", "按期解决"), ("false", "未按期解决")],
        method="filter_on_time",
        empty_label="不限",
        error_messages={"invalid_choice": "请选择按期解决或未按期解决。"},
    )
    listed_year = django_filters.NumberFilter(
        label="清单年度", method="filter_listed", min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    listed_level = ChoiceFilter(label="清单级别", choices=Level.choices, method="filter_listed", empty_label="全部级别")

    class Meta:
        model = Problem
        fields = ["q", "status", "kind", "district", "street", "unit", "leader", "overdue", "due_after", "due_before",
                  "on_time", "listed_year", "listed_level"]  # fmt: skip

    def search(self, queryset, name, value):
        return matching_every_word(queryset, value, ["description", "project__name", "resolution"])

    def filter_leader(self, queryset, name, leader):
        return queryset.filter(project_id__in=followed_by(leader))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_condition()) if value == "true" else queryset.exclude(overdue_condition())

    def filter_on_time(self, queryset, name, value):
        """Solved by the deadline: reported solved (待销号 or 已销号) on or before it — the rule of
        问题按期办结率 (scoring.selectors.measures.problem_closure)."""
        on_time = solved_on_time_condition()
        return queryset.filter(on_time) if value == "true" else queryset.exclude(on_time)

    def filter_listed(self, queryset, name, value):
        """Problems of projects on a list of ``listed_year`` (at ``listed_level`` when given); a level
        alone narrows nothing."""
        data = self.form.cleaned_data
        if name == "listed_level" or data.get("listed_year") is None:
            return queryset
        listed = Listing.objects.filter(year=int(data["listed_year"]))
        if data.get("listed_level"):
            listed = listed.filter(level=data["listed_level"])
        return queryset.filter(project_id__in=listed.values("project_id"))


class ListingFilterSet(PeopleOfTheNodeMixin, django_filters.FilterSet):
    """The project list: one row per listing (a project on a year's list at one level)."""

    q = django_filters.CharFilter(
        label="关键字", method="search", help_text="项目名称（含曾用名）、建设单位、街道或项目代码"
    )
    year = django_filters.NumberFilter(label="年度", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    level = ChoiceFilter(label="级别", choices=Level.choices, empty_label="全部级别")
    batch = ChoiceFilter(label="批次", choices=Batch.choices, empty_label="全部批次")
    category = ChoiceFilter(label="类别", choices=Category.choices, empty_label="全部类别")
    district = district_filter()
    street = ModelChoiceFilter(
        label="街道", field_name="project__street", queryset=Street.objects.all(), empty_label="全部街道"
    )
    unit = ModelChoiceFilter(
        label="责任单位", field_name="project__unit", queryset=Unit.objects.all(), empty_label="全部单位"
    )
    leader = ModelChoiceFilter(
        label="联系领导", queryset=Leader.objects.all(), method="filter_leader", empty_label="全部领导"
    )
    stage = ChoiceFilter(label="五个一批", field_name="project__stage", choices=Stage.choices, empty_label="全部阶段")
    status = ChoiceFilter(
        label="项目状态", field_name="project__status", choices=ProjectStatus.choices, empty_label="全部状态"
    )
    warning = ChoiceFilter(label="预警", choices=WARNING_FILTER, empty_label="全部")
    open_problems = ChoiceFilter(
        label="未解决问题",
        choices=[("true", "有"), ("false", "无")],
        method="filter_open_problems",
        empty_label="不限",
    )
    ordering = django_filters.OrderingFilter(
        label="排序",
        fields=(
            ("project__name", "name"),
            ("project__street__name", "street"),
            ("project__unit__name", "unit"),
            ("annual_plan", "plan"),
            ("cumulative", "done"),
            ("percent_sort", "percent"),
            ("warning_rank", "warning"),
        ),
        field_labels={
            "project__name": "项目名称",
            "project__street__name": "街道",
            "project__unit__name": "责任单位",
            "annual_plan": "年度计划",
            "cumulative": "累计完成",
            "percent_sort": "完成比例",
            "warning_rank": "预警",
        },
    )

    class Meta:
        model = Listing
        fields = ["q", "year", "level", "batch", "category", "district", "street", "unit", "leader", "stage", "status",
                  "warning"]  # fmt: skip

    def search(self, queryset, name, value):
        return matching_every_word(
            queryset,
            value,
            ["project__name", "project__former_names", "project__owner", "project__code", "project__street__name"],
        )

    def filter_leader(self, queryset, name, leader):
        return queryset.filter(project_id__in=followed_by(leader))

    def filter_open_problems(self, queryset, name, value):
        unresolved = Problem.objects.filter(project=OuterRef("project_id")).exclude(status=ProblemStatus.RESOLVED)
        return queryset.filter(Exists(unresolved)) if value == "true" else queryset.exclude(Exists(unresolved))


def listing_filterset(data, *, user):
    """The project list's FilterSet bound to GET ``data``, and the period its figures are at.

    Without a year, the latest year with submitted reports is shown; the figures are at that
    year's month (selectors.reporting.figures_period), or at ``month`` if given. A year nobody has
    reported on yet shows 尚未填报 instead of a warning.
    """
    form = PeriodForm(data)
    home = home_region_id(user)  # the user's own districts decide the default period
    period = form.period(lambda year: figures_period(year, region=home))
    data = data.copy()
    if "year" not in data:
        data["year"] = str(period.year)
        reported = year_reported(period.year, region=home)
    elif form.cleaned_data.get("year") is None:
        # A cleared or wrong year: every year is listed (the filter says what was wrong), at
        # December unless a month is given.
        period, reported = Period(period.year, form.cleaned_data.get("month") or 12), True
    else:
        reported = year_reported(period.year, region=home)
    rows = listing_rows(user=user, month=period.month, reported=reported)
    return ListingFilterSet(data, queryset=rows, user=user), period.month


def active_filters(filterset, params):
    """The labels of the filters the person chose (a value in the request's own ``params``, not one
    the page defaulted), sorting aside: what the folded 筛选 control counts."""
    return [
        str(field.label)
        for name, field in filterset.form.fields.items()
        if name != "ordering" and any(value.strip() for value in params.getlist(name))
    ]


# What does not narrow a year's list: the year itself and the order.
NOT_NARROWING = ("year", "ordering")


def narrowing_filters(filterset):
    """The names of the valid filters a bound FilterSet narrows its list by, its year aside."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    return [name for name, value in cleaned.items() if name not in NOT_NARROWING and value not in (None, "", [])]


def filter_errors(filterset):
    """The FilterSet's form errors as one line of Chinese, naming each field by its label."""
    return form_errors(filterset.form)


class ReportSheetFilterSet(django_filters.FilterSet):
    """The month's reporting sheet narrowed by the state of each report and by street; the streets
    offered are those of the user's own sheet (selectors.reporting.sheet_streets)."""

    state = ChoiceFilter(
        label="填报状态",
        field_name="report_status",
        choices=list(REPORT_STATE_LABELS.items()),
        empty_label="全部状态",
        error_messages={"invalid_choice": "没有这个填报状态。"},
    )
    street = ModelChoiceFilter(
        label="街道",
        field_name="project__street",
        queryset=Street.objects.none(),
        empty_label="全部街道",
        error_messages={"invalid_choice": "没有这个街道，或不在您的范围内。"},
    )

    class Meta:
        model = Listing
        fields = ["state", "street"]

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["street"].queryset = streets

    @property
    def narrowed(self):
        """Whether a valid filter is applied: the page then says how many rows it shows of the month's."""
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in self.filters)
