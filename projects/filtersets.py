"""Filters of the list pages, from GET parameters; one FilterSet per model, free text in ``q``."""

import django_filters
from django.db.models import Q

from projects.choices import ProblemKind, ProblemStatus
from projects.models import Assignment, Leader, Problem, Street, Unit, overdue_condition


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键字", method="search")
    status = django_filters.ChoiceFilter(label="状态", choices=ProblemStatus.choices, empty_label="全部状态")
    kind = django_filters.ChoiceFilter(label="问题类型", choices=ProblemKind.choices, empty_label="全部类型")
    street = django_filters.ModelChoiceFilter(
        label="街道", field_name="project__street", queryset=Street.objects.all(), empty_label="全部街道"
    )
    unit = django_filters.ModelChoiceFilter(label="责任单位", queryset=Unit.objects.all(), empty_label="全部单位")
    leader = django_filters.ModelChoiceFilter(
        label="联系领导", queryset=Leader.objects.all(), method="filter_leader", empty_label="全部领导"
    )
    overdue = django_filters.ChoiceFilter(
        label="是否逾期",
        choices=[("true", "已逾期"), ("false", "未逾期")],
        method="filter_overdue",
        empty_label="不限",
    )

    class Meta:
        model = Problem
        fields = ["q", "status", "kind", "street", "unit", "leader", "overdue"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(description__icontains=value) | Q(project__name__icontains=value) | Q(resolution__icontains=value)
        )

    def filter_leader(self, queryset, name, leader):
        followed = Assignment.objects.filter(leader=leader, active=True).values("project_id")
        return queryset.filter(project_id__in=followed)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_condition()) if value == "true" else queryset.exclude(overdue_condition())
