"""Admin screens of scoring, read-only and scoped by office: schemes, adjustments and frozen sheets
change through the application's pages, whose services keep the rules (weights adding up to 100, a
frozen period untouched, adjustments withdrawn rather than deleted)."""

from django.contrib import admin

from accounts.admin_site import OfficeModelAdmin, ViewOnlyMixin
from scoring.models import Adjustment, Criterion, Scheme, ScoreSheet


class CriterionInline(ViewOnlyMixin, admin.TabularInline):
    model = Criterion
    fields = ["sort_order", "name", "measure", "applies_to", "weight", "formula"]
    fields += ["lower", "upper", "target", "per_item"]
    readonly_fields = fields
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(ViewOnlyMixin, OfficeModelAdmin):
    region_path = "district"
    list_display = ["year", "name", "district", "level"]
    list_filter = ["year"]
    inlines = [CriterionInline]


@admin.register(Adjustment)
class AdjustmentAdmin(ViewOnlyMixin, OfficeModelAdmin):
    region_path = "scheme__district"
    list_display = ["scheme", "period_kind", "number", "subject_kind", "street", "unit", "points", "created_by"]
    list_filter = ["period_kind", "subject_kind"]
    search_fields = ["reason"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ViewOnlyMixin, OfficeModelAdmin):
    region_path = "scheme__district"
    list_display = ["scheme", "period_kind", "number", "frozen_by", "frozen_at"]
    exclude = ["scheme_snapshot", "rows"]
