"""Placeholder: to be written."""

from django.http import Http404
from django.views import View


class _Todo(View):
    def get(self, request, *args, **kwargs):
        raise Http404


ProjectItemsView = TemplateApplyView = ItemCreateView = ItemEditView = ItemDeleteView = ItemAttachmentView = _Todo


def approvals_section(request, project):
    return ""
