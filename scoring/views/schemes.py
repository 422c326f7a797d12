"""Placeholder: filled in by the scoring pages' work."""

from django.http import HttpResponse
from django.views import View


class SchemeListView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


class SchemeCreateView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


class SchemeEditView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


class AdjustmentListView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")


class AdjustmentWithdrawView(View):
    def get(self, request, *args, **kwargs):
        return HttpResponse("TODO")
