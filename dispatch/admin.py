"""Admin screens of dispatch, scoped by office: the meetings and tasks of the office's districts,
read-only here — they change through the application's pages, whose services keep the rules (a
task's states and steps, who is told)."""

from django.contrib import admin

from accounts.admin_site import OfficeModelAdmin, ViewOnlyMixin
from dispatch.models import Meeting, Task, TaskReply, TaskStep
from projects.scoping import managed_rows


class TaskStepInline(ViewOnlyMixin, admin.TabularInline):
    model = TaskStep
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0

    def scope(self, request):
        return managed_rows(request.user, "task__district")


class TaskReplyInline(ViewOnlyMixin, admin.TabularInline):
    model = TaskReply
    fields = ["at", "by", "text"]
    readonly_fields = fields
    extra = 0

    def scope(self, request):
        return managed_rows(request.user, "task__district")


@admin.register(Meeting)
class MeetingAdmin(ViewOnlyMixin, OfficeModelAdmin):
    region_path = "district"
    list_display = ["date", "title", "kind", "chair", "district"]
    list_filter = ["kind", "date"]
    search_fields = ["title", "minutes", "chair__name"]
    list_select_related = ["chair", "district"]
    date_hierarchy = "date"


@admin.register(Task)
class TaskAdmin(ViewOnlyMixin, OfficeModelAdmin):
    region_path = "district"
    list_display = ["content_short", "owner", "source", "status", "assigned_on", "deadline", "district"]
    list_filter = ["status", "source"]
    search_fields = ["content", "owner__name"]
    list_select_related = ["owner", "district"]
    inlines = [TaskStepInline, TaskReplyInline]

    @admin.display(description="交办内容")
    def content_short(self, obj):
        return obj.content[:40]
