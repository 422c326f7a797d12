"""Placeholder: filled in by the scoring pages' work."""

from django.http import HttpResponse
from django.views import View


class RankingView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


class SubjectScoreView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


class SheetFreezeView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")
