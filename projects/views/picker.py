"""The project picker's suggestions as JSON, in the user's scope (projects/static/js/project_picker.js)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.views import View

from projects.forms import form_errors
from projects.models import Project
from projects.picker import ProjectSearchForm
from projects.selectors.picker import PICKER_LIMIT, project_label, project_matches


class ProjectSearchView(LoginRequiredMixin, View):
    """``?q=恒宇&scope=kept``: at most PICKER_LIMIT projects the user may see (``kept``: those whose
    reports and problems the user keeps), and whether there are more."""

    raise_exception = True  # a script asking without a session gets 403, not the login page

    def get(self, request):
        form = ProjectSearchForm(request.GET)
        if not form.is_valid():
            return JsonResponse({"error": form_errors(form)}, status=400)
        user = request.user
        scope = (
            Project.objects.kept_by(user) if form.cleaned_data["scope"] == "kept" else Project.objects.visible_to(user)
        )
        text = form.cleaned_data["q"].strip()
        if not text:
            return JsonResponse({"results": [], "more": False})
        found = list(project_matches(scope, text)[: PICKER_LIMIT + 1])
        results = [
            {"id": project.pk, "name": project.name, "label": project_label(project)}
            for project in found[:PICKER_LIMIT]
        ]
        return JsonResponse({"results": results, "more": len(found) > PICKER_LIMIT})
