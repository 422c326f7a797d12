"""URL routes of the key-project tracker."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from config import errors
from projects.views.projects import HomeView

handler500 = errors.handler500


class FaviconView(RedirectView):
    """/favicon.ico → the hashed static file, looked up per request (in production the manifest
    exists only once collectstatic has run)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("projects.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("approvals/", include("approvals.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("scoring/", include("scoring.urls")),
    path("opendata/", include("opendata.urls")),
    path("admin/", admin.site.urls),
    path("healthz", errors.healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view()),
]
