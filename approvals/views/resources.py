"""Placeholder: to be written."""

from django.http import Http404
from django.views import View


class _Todo(View):
    def get(self, request, *args, **kwargs):
        raise Http404


ResourcesEditView = StatisticsEditView = _Todo


def resources_section(request, project):
    return ""


def resources_panel(request, year, month, level, region):
    return ""
