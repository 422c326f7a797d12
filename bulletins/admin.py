"""Admin screens of the bulletins: issued bulletins are read here, never changed (an issued bulletin
is frozen; a correction is a new one issued on the draft page, naming the one it replaces)."""

from django.contrib import admin

from accounts.admin_site import OfficeModelAdmin, ViewOnlyMixin
from bulletins.models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(ViewOnlyMixin, OfficeModelAdmin):
    region_path = "region"
    list_display = ["__str__", "region", "street", "level", "issued_by", "issued_at", "replaces"]
    list_filter = ["year", "level"]
    search_fields = ["title"]
    list_select_related = ["region", "street", "issued_by", "replaces"]
    fields = ["region", "street", "year", "month", "level", "number", "title", "next_steps", "notes", "document",
              "replaces", "issued_by", "issued_at"]  # fmt: skip
    readonly_fields = fields
