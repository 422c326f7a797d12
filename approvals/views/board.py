"""Placeholder: to be written."""

from django.http import Http404
from django.views import View


class _Todo(View):
    def get(self, request, *args, **kwargs):
        raise Http404


ApprovalBoardView = ApprovalExportView = DepartmentListView = DepartmentDetailView = _Todo


def approvals_panel(request, year, month, level, region):
    return ""
