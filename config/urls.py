"""URL routes of the key-project tracker."""

from django.contrib import admin
from django.urls import include, path

from projects.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("projects/", include("projects.urls")),
    path("admin/", admin.site.urls),
]
