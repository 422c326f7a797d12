"""Django admin wired to the office's admin site, which admits the admin role only."""

from django.contrib.admin.apps import AdminConfig


class OfficeAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.OfficeAdminSite"
