"""Admin screens of the bulletins: issued bulletins are read here, never changed (an issued bulletin
is frozen; a correction is a new one issued on the draft page, naming the one it replaces)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin_site import OfficeModelAdmin, ViewOnlyMixin
from bulletins.models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(ViewOnlyMixin, OfficeModelAdmin):
    region_path = "region"
    list_display = ["__str__", "region", "street", "level", "issued_by", "issued_at", "replaces"]
    list_filter = ["year", "level"]
    search_fields = ["title"]
    list_select_related = ["region", "street", "issued_by", "replaces"]
    fields = ["region", "street", "year", "month", "level", "number", "title", "next_steps", "notes", "download",
              "replaces", "issued_by", "issued_at"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Word 文件")
    def download(self, bulletin):
        """The application's download (scoped like every page), not the storage's own address."""
        return format_html('<a href="{}">下载</a>', reverse("bulletins:bulletin_document", args=[bulletin.pk]))
