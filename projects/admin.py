"""Admin screens for the domain, laid out for the project offices' daily use: each office sees and
changes what lies under its node (accounts.admin_site.OfficePermissionsMixin)."""

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin_site import AuditedAdmin, OfficeModelAdmin, OfficePermissionsMixin, ViewOnlyMixin
from accounts.roles import is_office_admin
from projects import clock
from projects.choices import Level, RegionKind
from projects.forms import parse_int
from projects.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Assignment,
    CalendarDay,
    ClosedMonth,
    Division,
    ImportRecord,
    Instruction,
    Leader,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    ProblemStep,
    Project,
    Region,
    ReportPhoto,
    Street,
    SupervisionVisit,
    Unit,
)
from projects.services.assignments import assignments_end
from projects.services.offices import region_check


def only_theirs(field):
    """A list filter over a related field offering only the rows the office's own rows point to
    (Django's plain one would list every office's streets, units and leaders)."""
    return (field, RelatedOnlyFieldListFilter)


class RegionForm(forms.ModelForm):
    """Region.clean checks the tree (code, tier, parent); region_check what the office may add."""

    user = None  # set by RegionAdmin.get_form

    class Meta:
        model = Region
        fields = ["code", "name", "kind", "parent"]

    def clean(self):
        cleaned = super().clean()
        try:
            region_check(user=self.user, region=self.instance, parent=cleaned.get("parent"), kind=cleaned.get("kind"))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(Region)
class RegionAdmin(OfficeModelAdmin):
    """Regions are extendable by the offices: each adds under its own node (the city's office a
    district under 平顶山市); only the operator adds a province. An office reads its own node."""

    region_path = "id"
    form = RegionForm
    list_display = ["name", "code", "kind", "parent", "street_count"]
    ordering = ["code"]  # the model's ordering is dropped by the count's GROUP BY (autocompletes page by it)
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(street_total=Count("streets"))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        user = request.user
        # A district's office has no tier below it to add (streets are added as streets).
        return user.is_superuser or (user.region_id is not None and user.region.kind != RegionKind.DISTRICT)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_own_node(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_own_node(request, obj)

    @staticmethod
    def is_own_node(request, obj):
        """An office's own node is changed by the office above it, or the operator."""
        return obj is not None and not request.user.is_superuser and obj.pk == request.user.region_id

    @admin.display(description="街道数", ordering="street_total")
    def street_count(self, obj):
        return obj.street_total


@admin.register(Street)
class StreetAdmin(OfficeModelAdmin):
    region_path = "district"
    list_display = ["name", "district", "sort_order", "project_count"]
    ordering = ["district__code", "sort_order", "name"]
    list_editable = ["sort_order"]
    list_filter = [only_theirs("district")]
    search_fields = ["name"]
    autocomplete_fields = ["district"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("district").annotate(project_total=Count("projects"))

    @admin.display(description="项目数", ordering="project_total")
    def project_count(self, obj):
        return obj.project_total


@admin.register(Unit)
class UnitAdmin(OfficeModelAdmin):
    region_path = "district"
    list_display = ["name", "kind", "district", "street", "sort_order"]
    list_filter = ["kind", only_theirs("district"), only_theirs("street")]
    search_fields = ["name"]
    autocomplete_fields = ["district", "street"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("district", "street")


class AssignmentForLeaderInline(OfficePermissionsMixin, admin.TabularInline):
    model = Assignment
    fields = ["project", "since", "active", "ended_on"]
    autocomplete_fields = ["project"]
    extra = 0


@admin.register(Leader)
class LeaderAdmin(OfficeModelAdmin):
    region_path = "region"
    list_display = ["name", "title", "body", "region", "user", "active_assignment_count", "is_active"]
    ordering = ["region__code", "body", "sort_order", "name"]
    list_filter = ["body", "is_active", only_theirs("region")]
    search_fields = ["name", "title"]
    autocomplete_fields = ["user"]
    inlines = [AssignmentForLeaderInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("region", "user")
            .annotate(active_assignments=Count("assignments", filter=Q(assignments__active=True)))
        )

    @admin.display(description="联系项目数", ordering="active_assignments")
    def active_assignment_count(self, obj):
        return obj.active_assignments


COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


REPORT_FIELDS = ["month", "investment", "progress", "status", "reported_by", "reported_at", "report_page"]
# Status moves (and their resolution and date) go through the problem page, which records each step.
PROBLEM_STATE_FIELDS = [
    "status",
    "resolution",
    "resolved_on",
    "confirmed_on",
    "confirmed_by",
    "raised_by",
    "source_report",
    "source_visit",
]


class ReportPageMixin:
    @admin.display(description="填报页面")
    def report_page(self, report):
        """Reports are changed on the reporting page, where versions, closed months and checks apply."""
        url = reverse("projects:report_edit", args=[report.listing_id, report.month])
        return format_html('<a href="{}">打开填报页面</a>', url)


class MonthlyReportNestedInline(ReportPageMixin, ViewOnlyMixin, nested_admin.NestedTabularInline):
    model = MonthlyReport
    fields = REPORT_FIELDS
    readonly_fields = REPORT_FIELDS
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("listing__project", "reported_by")


class ListingNestedInline(OfficePermissionsMixin, nested_admin.NestedStackedInline):
    model = Listing
    fields = [("year", "level", "batch", "category", "annual_plan")]
    inlines = [MonthlyReportNestedInline]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project")


class ProblemNestedInline(OfficePermissionsMixin, nested_admin.NestedTabularInline):
    model = Problem
    formfield_overrides = COMPACT_TEXT
    fields = ["description", "kind", "raised_on", "unit", "deadline", "status", "resolution", "resolved_on"]
    readonly_fields = ["raised_on", "status", "resolution", "resolved_on"]
    autocomplete_fields = ["unit"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False  # new problems are logged on the project's pages, which record who raised them

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "unit")


class MilestoneNestedInline(OfficePermissionsMixin, nested_admin.NestedTabularInline):
    model = Milestone
    fields = ["name", "planned_date", "actual_date"]
    extra = 0


class AssignmentNestedInline(OfficePermissionsMixin, nested_admin.NestedStackedInline):
    model = Assignment
    fields = [("leader", "since", "active", "ended_on"), "team", "plan"]
    autocomplete_fields = ["leader"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "leader")


class SupervisionVisitNestedInline(OfficePermissionsMixin, nested_admin.NestedStackedInline):
    model = SupervisionVisit
    fields = [("date", "rectification_deadline"), "leaders", "findings"]
    autocomplete_fields = ["leaders"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project").prefetch_related("leaders")


class ListingYearLevelFilter(admin.SimpleListFilter):
    """Year and level together, so "2015 市重点" means one listing that is both."""

    title = "年度清单"
    parameter_name = "listing"

    def lookups(self, request, model_admin):
        listings = Listing.objects.visible_to(request.user)
        pairs = listings.order_by("-year", "level").values_list("year", "level").distinct()
        return [(f"{year}-{level}", f"{year}年{Level(level).label}") for year, level in pairs]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        year, _, level = self.value().partition("-")
        year = parse_int(year, min_value=FIRST_YEAR, max_value=LAST_YEAR)
        if year is None or level not in Level.values:
            return queryset.none()
        return queryset.filter(listings__year=year, listings__level=level)


@admin.register(Project)
class ProjectAdmin(OfficePermissionsMixin, AuditedAdmin, nested_admin.NestedModelAdmin):
    list_display = ["name", "code", "district", "street", "unit", "total_investment", "stage", "status"]
    list_filter = [ListingYearLevelFilter, "status", "stage", "sector", only_theirs("district"), only_theirs("street")]
    search_fields = ["name", "former_names", "code", "owner"]
    autocomplete_fields = ["district", "street", "unit"]
    list_select_related = ["district", "street", "unit"]
    fieldsets = [
        (None, {"fields": [("name", "code"), "former_names", "owner", "content"]}),
        ("属地与责任", {"fields": ["district", ("street", "unit")]}),
        ("投资与进度", {"fields": [("total_investment", "start_year", "end_year"), ("sector", "stage", "status")]}),
    ]

    inlines = [
        ListingNestedInline,
        AssignmentNestedInline,
        MilestoneNestedInline,
        ProblemNestedInline,
        SupervisionVisitNestedInline,
    ]


class MonthlyReportInline(ReportPageMixin, ViewOnlyMixin, admin.TabularInline):
    model = MonthlyReport
    fields = REPORT_FIELDS
    readonly_fields = REPORT_FIELDS
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("listing__project", "reported_by")


@admin.register(Listing)
class ListingAdmin(OfficeModelAdmin):
    list_display = ["project", "year", "level", "batch", "category", "annual_plan"]
    list_filter = ["year", "level", "batch", "category", only_theirs("project__street")]
    search_fields = ["project__name", "project__code"]
    autocomplete_fields = ["project"]
    list_select_related = ["project"]
    inlines = [MonthlyReportInline]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReportPageMixin, ViewOnlyMixin, OfficeModelAdmin):
    """Read here, changed on the reporting page (versions, closed months, confirmations)."""

    list_display = ["listing", "month", "investment", "status", "reported_by", "reported_at", "report_page"]
    list_filter = ["listing__year", "month", "status", "listing__level", only_theirs("listing__project__street")]
    search_fields = ["listing__project__name", "progress"]
    list_select_related = ["listing__project", "reported_by"]
    date_hierarchy = "reported_at"
    fields = ["listing", *REPORT_FIELDS, "returned_reason", "returned_by", "returned_at", "version"]
    readonly_fields = fields


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
    list_display = [
        "project",
        "short_description",
        "kind",
        "raised_on",
        "unit",
        "deadline",
        "status",
        "resolved_on",
        "confirmed_on",
    ]
    fields = ["project", "description", "kind", "raised_on", "unit", "deadline", *PROBLEM_STATE_FIELDS]
    readonly_fields = ["project", "raised_on", *PROBLEM_STATE_FIELDS]
    list_filter = ["status", "kind", OverdueFilter, only_theirs("unit"), only_theirs("project__street")]
    search_fields = ["description", "project__name", "resolution"]
    autocomplete_fields = ["unit"]
    list_select_related = ["project", "unit"]
    date_hierarchy = "raised_on"

    def has_add_permission(self, request):
        return False  # logged on the project's pages ("登记问题"), which record who raised it

    @admin.display(description="问题描述")
    def short_description(self, obj):
        return obj.description if len(obj.description) <= 40 else f"{obj.description[:40]}…"


@admin.register(Milestone)
class MilestoneAdmin(OfficeModelAdmin):
    list_display = ["project", "name", "planned_date", "actual_date"]
    list_filter = [only_theirs("project__street")]
    search_fields = ["name", "project__name"]
    autocomplete_fields = ["project"]
    list_select_related = ["project"]


@admin.register(Assignment)
class AssignmentAdmin(OfficeModelAdmin):
    list_display = ["leader", "project", "since", "active", "ended_on"]
    list_filter = ["active", "leader__body", only_theirs("leader")]
    search_fields = ["leader__name", "project__name", "team", "plan"]
    autocomplete_fields = ["leader", "project"]
    list_select_related = ["leader", "project"]
    actions = ["end_assignments"]

    @admin.action(description="结束所选联系（今天起不再联系）")
    def end_assignments(self, request, queryset):
        ended = assignments_end(user=request.user, assignments=queryset, ended_on=clock.today())
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
    autocomplete_fields = ["problem"]
    list_select_related = ["problem__project", "author"]
    fields = ["problem", "text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # An instruction stays on the problem and under the name it was given with.
        return [*self.readonly_fields, "problem"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="督办意见")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 40 else f"{obj.text[:40]}…"


@admin.register(ClosedMonth)
class ClosedMonthAdmin(ViewOnlyMixin, OfficeModelAdmin):
    """Months are closed and reopened on the reporting sheet (月度填报), with the rules and the
    locks of services.reports and a reason for reopening; here they are only listed."""

    region_path = "district"
    list_display = ["__str__", "closed_by", "closed_at"]
    list_filter = [only_theirs("district")]
    list_select_related = ["district", "closed_by"]
    fields = ["district", "year", "month", "closed_by", "closed_at"]
    readonly_fields = fields


@admin.register(ReportPhoto)
class ReportPhotoAdmin(ViewOnlyMixin, OfficeModelAdmin):
    list_display = ["original_name", "report", "width", "height", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "report__listing__project__name"]
    list_select_related = ["report__listing__project", "uploaded_by"]
    fields = list_display
    readonly_fields = fields


@admin.register(ProblemStep)
class ProblemStepAdmin(ViewOnlyMixin, OfficeModelAdmin):
    list_display = ["problem", "from_status", "to_status", "by", "at", "note"]
    list_filter = ["to_status"]
    search_fields = ["problem__description", "problem__project__name", "note"]
    list_select_related = ["problem__project", "by"]
    fields = list_display
    readonly_fields = fields


@admin.register(ImportRecord)
class ImportRecordAdmin(ViewOnlyMixin, OfficeModelAdmin):
    """Imports are made on the import page; here they are only read. One made by the operator for
    the whole installation (no office) is the operator's to read."""

    region_path = "region"
    list_display = ["original_name", "region", "year", "level", "status", "created", "updated", "unchanged",
                    "error_count", "uploaded_by", "uploaded_at", "applied_at"]  # fmt: skip
    list_filter = ["status", "year", "level"]
    search_fields = ["original_name", "sha256"]
    fields = [*list_display, "sha256", "applied_by", "file"]
    readonly_fields = fields


class SharedTableAdmin(AuditedAdmin):
    """Installation-wide reference tables every office admin reads and extends (the divisions a
    project code may name, the holidays of the years the calendar package does not know); each
    change is kept in the table's history."""

    def scope(self, request):
        """Every row, for every office admin: the history screens (AuditedAdmin) look a row up
        through its admin's scope, as for the tables an office keeps."""
        return Q() if is_office_admin(request.user) else Q(pk__in=[])

    def has_module_permission(self, request):
        return is_office_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_office_admin(request.user)

    def has_add_permission(self, request):
        return is_office_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_office_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_office_admin(request.user)


@admin.register(Division)
class DivisionAdmin(SharedTableAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SharedTableAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "day"
