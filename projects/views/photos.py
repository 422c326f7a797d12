"""Serving site photos through the scope check: a photo of a project outside scope answers 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views import View

from projects.models import ReportPhoto

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class PhotoView(LoginRequiredMixin, View):
    thumbnail = False

    def get(self, request, pk):
        photo = get_object_or_404(ReportPhoto.objects.visible_to(request.user), pk=pk)
        if self.thumbnail:
            stored, content_type = photo.thumbnail, "image/jpeg"
        else:
            stored, content_type = photo.image, CONTENT_TYPES[photo.extension]
        response = FileResponse(stored.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response
