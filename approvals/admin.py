"""Admin screens of the approvals domain: the offices' templates of approval items, and the rows
the application's own pages keep, read-only here."""

from django.contrib import admin
from django.db.models import Count

from accounts.admin_site import OfficeModelAdmin, OfficePermissionsMixin, ViewOnlyMixin
from approvals.models import (
    ApprovalItem,
    ApprovalTemplate,
    Funding,
    LandSupply,
    StatisticsFigure,
    StatisticsRegistration,
    TemplateItem,
)


class TemplateItemInline(OfficePermissionsMixin, admin.TabularInline):
    model = TemplateItem
    fields = ["sort_order", "name", "department", "time_limit_days", "blocks_start"]
    autocomplete_fields = ["department"]
    extra = 3

    def scope(self, request):
        # An inline's rows are the template's own; the template admin scopes the template.
        from projects.scoping import managed_rows

        return managed_rows(request.user, "template__district")


@admin.register(ApprovalTemplate)
class ApprovalTemplateAdmin(OfficeModelAdmin):
    region_path = "district"
    list_display = ["name", "sector", "district", "item_count"]
    list_filter = ["sector"]
    search_fields = ["name"]
    autocomplete_fields = ["district"]
    inlines = [TemplateItemInline]

    def get_queryset(self, request):
        # Counted in the list's one query, not one count per row.
        return super().get_queryset(request).annotate(item_total=Count("items", distinct=True))

    @admin.display(description="事项数", ordering="item_total")
    def item_count(self, obj):
        return obj.item_total


@admin.register(ApprovalItem)
class ApprovalItemAdmin(ViewOnlyMixin, OfficeModelAdmin):
    list_display = ["name", "project", "department", "status", "due_date", "approved_date", "document_number"]
    list_filter = ["status"]
    search_fields = ["name", "project__name", "document_number"]
    list_select_related = ["project", "department"]


@admin.register(StatisticsRegistration)
class StatisticsRegistrationAdmin(ViewOnlyMixin, OfficeModelAdmin):
    list_display = ["project", "registered", "registered_on"]
    list_filter = ["registered"]
    search_fields = ["project__name"]
    list_select_related = ["project"]


@admin.register(StatisticsFigure)
class StatisticsFigureAdmin(ViewOnlyMixin, OfficeModelAdmin):
    list_display = ["project", "year", "month", "cumulative"]
    search_fields = ["project__name"]
    list_select_related = ["project"]


@admin.register(LandSupply)
class LandSupplyAdmin(ViewOnlyMixin, OfficeModelAdmin):
    list_display = ["project", "year", "needed", "supplied", "supplied_on"]
    search_fields = ["project__name"]
    list_select_related = ["project"]


@admin.register(Funding)
class FundingAdmin(ViewOnlyMixin, OfficeModelAdmin):
    list_display = ["project", "year", "source", "planned", "secured", "secured_on"]
    list_filter = ["source"]
    search_fields = ["project__name"]
    list_select_related = ["project"]
