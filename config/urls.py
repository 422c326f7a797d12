"""URL routes of the key-project tracker."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "重点项目跟踪"
admin.site.site_title = "重点项目跟踪"
admin.site.index_title = "项目办管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
