"""Placeholder: filled in by the scoring pages' work."""

from django.http import HttpResponse
from django.views import View


class RankingExportView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")
