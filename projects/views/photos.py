"""Serving site photos through the scope check: a photo of a project outside scope answers 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View

from projects.models import ReportPhoto
from projects.services.photos import photo_delete

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
        response["X-Content-Type-Options"] = "nosniff"
        return response


class PhotoDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        photo = get_object_or_404(ReportPhoto.objects.visible_to(request.user).select_related("report"), pk=pk)
        report = photo.report
        try:
            photo_delete(user=request.user, photo=photo)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "照片已删除。")
        return redirect(reverse("projects:report_edit", args=[report.listing_id, report.month]))
