"""批量修改 on the project list (admins only): the ticked listings' unit, contact leader, street or
batch, previewed as old → new per listing, then confirmed."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from projects.forms import form_errors
from projects.list_forms import ListingBulkForm
from projects.services.bulk_assign import bulk_assign_confirm, bulk_assign_plan
from projects.views.mixins import OfficeAdminRequiredMixin


def back_to_list(form):
    """The project list with the filters it was submitted from (a query string on our own path)."""
    query = form.data.get("query", "")
    return redirect(reverse("projects:project_list") + (f"?{query}" if query else ""))


class ListingBulkPreviewView(OfficeAdminRequiredMixin, TemplateResponseMixin, View):
    http_method_names = ["post"]
    template_name = "projects/bulk_assign_preview.html"

    def post(self, request):
        form = ListingBulkForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, "未修改：" + form_errors(form))
            return back_to_list(form)
        try:
            plan = bulk_assign_plan(user=request.user, listing_ids=form.cleaned_data["listing"], changes=form.changes())
        except ValidationError as error:
            messages.error(request, "未修改：" + "；".join(error.messages))
            return back_to_list(form)
        return self.render_to_response(
            {
                "plan": plan,
                "listing_ids": form.cleaned_data["listing"],
                "digest": plan.digest(),
                "query": form.cleaned_data["query"],
            }
        )


class ListingBulkConfirmView(OfficeAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = ListingBulkForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, "未修改：" + form_errors(form))
            return back_to_list(form)
        try:
            count = bulk_assign_confirm(
                user=request.user,
                listing_ids=form.cleaned_data["listing"],
                changes=form.changes(),
                digest=form.cleaned_data["digest"],
            )
        except ValidationError as error:
            messages.error(request, "未修改：" + "；".join(error.messages))
        else:
            messages.success(request, f"已批量修改 {count} 个项目。")
        return back_to_list(form)
