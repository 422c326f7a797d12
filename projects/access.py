"""What the user may do on one project, decided once per request: the project page and the sections
other apps add to it (projects.extensions) ask the same questions. The rules stay in
projects.scoping, through the querysets' kept_by / editable_by; this only remembers the answers
until the request ends."""

from functools import cached_property

from projects.models import Project


class ProjectAccess:
    """``keeps``: the user keeps the project's reports, problems, milestones and resources (its
    admins and staff); ``edits``: the user changes the project itself (its office's admins). Each is
    one query, asked only when read."""

    def __init__(self, user, project):
        self.user, self.project = user, project

    @cached_property
    def keeps(self):
        return Project.objects.kept_by(self.user).filter(pk=self.project.pk).exists()

    @cached_property
    def edits(self):
        return Project.objects.editable_by(self.user).filter(pk=self.project.pk).exists()


def project_access(request, project):
    """The request's ProjectAccess for ``project``, made on first use (a new request asks again)."""
    memo = request.__dict__.setdefault("_project_access", {})
    key = (request.user.pk, project.pk)
    if key not in memo:
        memo[key] = ProjectAccess(request.user, project)
    return memo[key]
