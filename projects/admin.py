"""Admin screens for the domain, laid out for the project office's daily use."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_site import OfficeModelAdmin, OfficePermissionsMixin
from projects.models import (
    Assignment,
    District,
    Instruction,
    Leader,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Street,
    SupervisionVisit,
    Unit,
)
from projects.services.assignments import assignments_end


@admin.register(District)
class DistrictAdmin(OfficeModelAdmin):
    list_display = ["name", "code", "street_count"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(street_total=Count("streets"))

    @admin.display(description="街道数", ordering="street_total")
    def street_count(self, obj):
        return obj.street_total


@admin.register(Street)
class StreetAdmin(OfficeModelAdmin):
    list_display = ["name", "district", "sort_order", "project_count"]
    list_editable = ["sort_order"]
    list_filter = ["district"]
    search_fields = ["name"]
    autocomplete_fields = ["district"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("district").annotate(project_total=Count("projects"))

    @admin.display(description="项目数", ordering="project_total")
    def project_count(self, obj):
        return obj.project_total


@admin.register(Unit)
class UnitAdmin(OfficeModelAdmin):
    list_display = ["name", "kind", "street", "sort_order"]
    list_filter = ["kind", "street"]
    search_fields = ["name"]
    autocomplete_fields = ["street"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("street")


class AssignmentForLeaderInline(OfficePermissionsMixin, admin.TabularInline):
    model = Assignment
    fields = ["project", "since", "active", "ended_on"]
    autocomplete_fields = ["project"]
    extra = 0


@admin.register(Leader)
class LeaderAdmin(OfficeModelAdmin):
    list_display = ["name", "title", "body", "user", "active_assignment_count", "is_active"]
    list_filter = ["body", "is_active"]
    search_fields = ["name", "title"]
    autocomplete_fields = ["user"]
    inlines = [AssignmentForLeaderInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(active_assignments=Count("assignments", filter=Q(assignments__active=True)))
        )

    @admin.display(description="联系项目数", ordering="active_assignments")
    def active_assignment_count(self, obj):
        return obj.active_assignments


COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


class MonthlyReportNestedInline(OfficePermissionsMixin, nested_admin.NestedTabularInline):
    model = MonthlyReport
    fields = ["month", "investment", "progress", "status", "reported_by", "reported_at"]
    readonly_fields = ["reported_by", "reported_at"]
    formfield_overrides = COMPACT_TEXT
    extra = 0


class ListingNestedInline(OfficePermissionsMixin, nested_admin.NestedStackedInline):
    model = Listing
    fields = [("year", "level", "batch", "category", "annual_plan")]
    inlines = [MonthlyReportNestedInline]
    extra = 0


class ProblemNestedInline(OfficePermissionsMixin, nested_admin.NestedTabularInline):
    model = Problem
    formfield_overrides = COMPACT_TEXT
    fields = ["description", "kind", "raised_on", "unit", "deadline", "status", "resolution", "resolved_on"]
    autocomplete_fields = ["unit"]
    extra = 0


class MilestoneNestedInline(OfficePermissionsMixin, nested_admin.NestedTabularInline):
    model = Milestone
    fields = ["name", "planned_date", "actual_date"]
    extra = 0


class AssignmentNestedInline(OfficePermissionsMixin, nested_admin.NestedStackedInline):
    model = Assignment
    fields = [("leader", "since", "active", "ended_on"), "team", "plan"]
    autocomplete_fields = ["leader"]
    extra = 0


class SupervisionVisitNestedInline(OfficePermissionsMixin, nested_admin.NestedStackedInline):
    model = SupervisionVisit
    fields = [("date", "rectification_deadline"), "leaders", "findings"]
    autocomplete_fields = ["leaders"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(OfficePermissionsMixin, SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    list_display = ["name", "code", "street", "unit", "total_investment", "stage", "status"]
    list_filter = ["listings__year", "listings__level", "listings__category", "status", "stage", "sector", "street"]
    search_fields = ["name", "code", "owner"]
    autocomplete_fields = ["street", "unit"]
    list_select_related = ["street", "unit"]
    fieldsets = [
        (None, {"fields": [("name", "code"), "owner", "content"]}),
        ("属地与责任", {"fields": [("street", "unit")]}),
        ("投资与进度", {"fields": [("total_investment", "start_year", "end_year"), ("sector", "stage", "status")]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    inlines = [
        ListingNestedInline,
        AssignmentNestedInline,
        MilestoneNestedInline,
        ProblemNestedInline,
        SupervisionVisitNestedInline,
    ]


class MonthlyReportInline(OfficePermissionsMixin, admin.TabularInline):
    model = MonthlyReport
    fields = ["month", "investment", "progress", "status", "reported_by", "reported_at"]
    readonly_fields = ["reported_by", "reported_at"]
    formfield_overrides = COMPACT_TEXT
    extra = 0


@admin.register(Listing)
class ListingAdmin(OfficeModelAdmin):
    list_display = ["project", "year", "level", "batch", "category", "annual_plan"]
    list_filter = ["year", "level", "batch", "category", "project__street"]
    search_fields = ["project__name", "project__code"]
    autocomplete_fields = ["project"]
    list_select_related = ["project"]
    inlines = [MonthlyReportInline]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(OfficeModelAdmin):
    list_display = ["listing", "month", "investment", "status", "reported_by", "reported_at"]
    list_filter = ["listing__year", "month", "status", "listing__level", "listing__project__street"]
    search_fields = ["listing__project__name", "progress"]
    autocomplete_fields = ["listing", "reported_by"]
    list_select_related = ["listing__project", "reported_by"]
    date_hierarchy = "reported_at"


class OverdueFilter(admin.SimpleListFilter):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已逾期"), ("no", "未逾期")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


@admin.register(Problem)
class ProblemAdmin(OfficeModelAdmin):
    list_display = ["project", "short_description", "kind", "raised_on", "unit", "deadline", "status", "resolved_on"]
    list_filter = ["status", "kind", OverdueFilter, "unit", "project__street"]
    search_fields = ["description", "project__name", "resolution"]
    autocomplete_fields = ["project", "unit"]
    list_select_related = ["project", "unit"]
    date_hierarchy = "raised_on"

    @admin.display(description="问题描述")
    def short_description(self, obj):
        return obj.description if len(obj.description) <= 40 else f"{obj.description[:40]}…"


@admin.register(Milestone)
class MilestoneAdmin(OfficeModelAdmin):
    list_display = ["project", "name", "planned_date", "actual_date"]
    list_filter = ["project__street"]
    search_fields = ["name", "project__name"]
    autocomplete_fields = ["project"]
    list_select_related = ["project"]


@admin.register(Assignment)
class AssignmentAdmin(OfficeModelAdmin):
    list_display = ["leader", "project", "since", "active", "ended_on"]
    list_filter = ["active", "leader__body", "leader"]
    search_fields = ["leader__name", "project__name", "team", "plan"]
    autocomplete_fields = ["leader", "project"]
    list_select_related = ["leader", "project"]
    actions = ["end_assignments"]

    @admin.action(description="结束所选联系（今天起不再联系）")
    def end_assignments(self, request, queryset):
        ended = assignments_end(user=request.user, assignments=queryset, ended_on=timezone.localdate())
        self.message_user(request, f"已结束 {ended} 条联系。", messages.SUCCESS)


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(OfficeModelAdmin):
    list_display = ["date", "project", "leader_names", "rectification_deadline"]
    list_filter = ["leaders__body"]
    search_fields = ["project__name", "findings"]
    autocomplete_fields = ["project", "leaders"]
    list_select_related = ["project"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leaders")

    @admin.display(description="带队领导")
    def leader_names(self, obj):
        return "、".join(leader.name for leader in obj.leaders.all())


@admin.register(Instruction)
class InstructionAdmin(OfficeModelAdmin):
    list_display = ["problem", "author", "short_text", "created_at"]
    search_fields = ["text", "problem__project__name"]
    autocomplete_fields = ["problem", "author"]
    list_select_related = ["problem__project", "author"]

    @admin.display(description="督办意见")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 40 else f"{obj.text[:40]}…"
