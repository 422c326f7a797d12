"""What every model of the projects app shares: the years a list may have, the querysets that
follow a project's visibility (projects.scoping), timestamps."""

from django.db import models

from projects.scoping import editable_projects, visible_projects

FIRST_YEAR = 2000


LAST_YEAR = 2100


class ScopedQuerySet(models.QuerySet):
    """Rows reached from a project; what a user may see or change follows that project."""

    project_path = "project__"
    staff_may_edit = False  # True for the rows a street's staff keep: reports, problems, milestones

    def visible_to(self, user):
        return self.filter(visible_projects(user, self.project_path))

    def editable_by(self, user):
        return self.filter(editable_projects(user, self.project_path, by_staff=self.staff_may_edit))

    def kept_by(self, user):
        """Rows of projects whose reports, problems, milestones and photos the user keeps."""
        return self.filter(editable_projects(user, self.project_path, by_staff=True))


class StaffKeptQuerySet(ScopedQuerySet):
    staff_may_edit = True


class ProjectQuerySet(ScopedQuerySet):
    project_path = ""


class TimestampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True
