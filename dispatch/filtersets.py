"""Filters of the dispatch list pages, from GET parameters: one FilterSet per listed model."""

import django_filters

from dispatch.choices import MeetingKind, TaskSource, TaskStatus
from dispatch.models import Meeting, Task, answered_on_time_condition, task_overdue_condition
from projects.forms import DATE_INPUT
from projects.models import FIRST_YEAR, LAST_YEAR, Leader, Street, Unit
from projects.scoping import visible_regions

MONTHS = [(month, f"{month}月") for month in range(1, 13)]


class MeetingFilterSet(django_filters.FilterSet):
    """The meetings narrowed by year and month, kind and chair; the chairs offered are the leaders of
    the nodes the user may read."""

    year = django_filters.NumberFilter(
        label="年度", field_name="date", lookup_expr="year", min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    month = django_filters.ChoiceFilter(
        label="月份", field_name="date", lookup_expr="month", choices=MONTHS, empty_label="全年"
    )
    kind = django_filters.ChoiceFilter(
        label="会议类型",
        choices=MeetingKind.choices,
        empty_label="全部类型",
        error_messages={"invalid_choice": "没有这种会议类型。"},
    )
    chair = django_filters.ModelChoiceFilter(
        label="主持领导",
        queryset=Leader.objects.none(),
        empty_label="全部领导",
        error_messages={"invalid_choice": "没有这位领导，或不在您的范围内。"},
    )

    class Meta:
        model = Meeting
        fields = ["year", "month", "kind", "chair"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["chair"].queryset = Leader.objects.filter(region__in=visible_regions(user))


class TaskFilterSet(django_filters.FilterSet):
    """The board's tasks narrowed by owner, status, source, due range and overdue (the one rule:
    task_overdue_condition); the owners offered are the units of the nodes the user may read."""

    owner = django_filters.ModelChoiceFilter(
        label="承办单位",
        queryset=Unit.objects.none(),
        empty_label="全部单位",
        error_messages={"invalid_choice": "没有这个单位，或不在您的范围内。"},
    )
    status = django_filters.ChoiceFilter(
        label="状态",
        choices=TaskStatus.choices,
        empty_label="全部状态",
        error_messages={"invalid_choice": "没有这个状态。"},
    )
    source = django_filters.ChoiceFilter(
        label="来源",
        choices=TaskSource.choices,
        empty_label="全部来源",
        error_messages={"invalid_choice": "没有这种来源。"},
    )
    due_after = django_filters.DateFilter(
        label="办结期限从", field_name="deadline", lookup_expr="gte", widget=DATE_INPUT
    )
    due_before = django_filters.DateFilter(label="至", field_name="deadline", lookup_expr="lte", widget=DATE_INPUT)
    overdue = django_filters.ChoiceFilter(
        label="是否超期",
        choices=[("true", "已超期"), ("false", "未超期")],
        method="filter_overdue",
        empty_label="不限",
        error_messages={"invalid_choice": "请选择已超期或未超期。"},
    )
    # What a 考核 breakdown's counts of tasks link to (scoring.selectors.links): a street's tasks
    # (those of its street office), answered by their deadline or not.
    street = django_filters.ModelChoiceFilter(
        label="街道",
        field_name="owner__street",
        queryset=Street.objects.none(),
        empty_label="全部街道",
        error_messages={"invalid_choice": "没有这个街道，或不在您的范围内。"},
    )
    on_time = django_filters.ChoiceFilter(
        label="是否按期办结",
        choices=[("true", "按期办结"), ("false", "未按期办结")],
        method="filter_on_time",
        empty_label="不限",
        error_messages={"invalid_choice": "请选择按期办结或未按期办结。"},
    )

    class Meta:
        model = Task
        fields = ["owner", "status", "source", "due_after", "due_before", "overdue", "street", "on_time"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = visible_regions(user)
        self.filters["owner"].queryset = Unit.objects.filter(district__in=regions)
        self.filters["street"].queryset = Street.objects.filter(district__in=regions)

    def filter_overdue(self, queryset, name, value):
        overdue = task_overdue_condition()
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)

    def filter_on_time(self, queryset, name, value):
        """Answered by the deadline: replied (已回复 or 已销号) on or before it — the rule of
        交办事项按期办结率 (scoring.selectors.measures.task_closure)."""
        on_time = answered_on_time_condition()
        return queryset.filter(on_time) if value == "true" else queryset.exclude(on_time)
