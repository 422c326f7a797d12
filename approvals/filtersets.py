"""Filters of the 联审联批 board and its export, from GET parameters: one FilterSet per listed model."""

import django_filters

from approvals.choices import ItemLight, ItemStatus
from approvals.models import ApprovalItem
from projects.models import Street, Unit
from projects.scoping import visible_regions

# The lights an item can be filtered by, named by colour and meaning: 红灯（已超期）.
LIGHT_FILTER = [
    (ItemLight.RED.value, "红灯（已超期）"),
    (ItemLight.YELLOW.value, "黄灯（临期）"),
    (ItemLight.GREEN.value, "绿灯（正常）"),
    (ItemLight.NONE.value, "无预警（已办结、不需办理或无期限）"),
]


class ApprovalItemFilterSet(django_filters.FilterSet):
    """The board's items narrowed by owning department, the project's street, status and light; the
    queryset must carry the ``light`` annotation (approvals.selectors.figures.with_light). The
    departments and streets offered are those of the nodes the user may read."""

    department = django_filters.ModelChoiceFilter(
        label="办理部门",
        queryset=Unit.objects.none(),
        empty_label="全部部门",
        error_messages={"invalid_choice": "没有这个办理部门，或不在您的范围内。"},
    )
    street = django_filters.ModelChoiceFilter(
        label="街道",
        field_name="project__street",
        queryset=Street.objects.none(),
        empty_label="全部街道",
        error_messages={"invalid_choice": "没有这个街道，或不在您的范围内。"},
    )
    status = django_filters.ChoiceFilter(
        label="办理状态",
        choices=ItemStatus.choices,
        empty_label="全部状态",
        error_messages={"invalid_choice": "没有这个办理状态。"},
    )
    warning = django_filters.ChoiceFilter(
        label="预警",
        field_name="light",
        choices=LIGHT_FILTER,
        empty_label="全部",
        error_messages={"invalid_choice": "没有这种预警。"},
    )

    class Meta:
        model = ApprovalItem
        fields = ["department", "street", "status", "warning"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = visible_regions(user)
        self.filters["department"].queryset = Unit.objects.filter(district__in=regions)
        self.filters["street"].queryset = Street.objects.filter(district__in=regions)
