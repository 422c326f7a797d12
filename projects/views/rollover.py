"""从上年续转 (admins only): choose the years → preview of the proposed list → edit and confirm.
An office sees the rollovers of its own node and of the offices under it; another's answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from projects import clock
from projects.choices import RegionKind, RolloverStatus
from projects.list_forms import RolloverConfirmForm, RolloverStartForm
from projects.models import Listing, Rollover
from projects.services.rollover import rollover_confirm, rollover_preview, rollover_rows
from projects.views.mixins import OfficeAdminRequiredMixin, add_service_errors


class RolloverStartView(OfficeAdminRequiredMixin, TemplateView):
    template_name = "projects/rollover_start.html"

    def get_context_data(self, form=None, **kwargs):
        user = self.request.user
        latest = Listing.objects.editable_by(user).order_by("-year").values_list("year", flat=True).first()
        from_year = latest or clock.today().year
        return super().get_context_data(
            form=form or RolloverStartForm(initial={"from_year": from_year, "to_year": from_year + 1}),
            rollovers=Rollover.objects.visible_to(user).select_related("created_by", "applied_by", "region")[:20],
            **kwargs,
        )

    def post(self, request):
        form = RolloverStartForm(request.POST)
        if form.is_valid():
            try:
                rollover = rollover_preview(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "已生成续转预览：请核对、删去不再列入的项目、填写新年度计划投资后确认。")
                return redirect(rollover.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class RolloverDetailView(OfficeAdminRequiredMixin, TemplateView):
    """The preview: the proposed rows to edit, the skipped ones; or, once confirmed, what was listed."""

    template_name = "projects/rollover_detail.html"

    def get_context_data(self, pk, form=None, errors=(), **kwargs):
        rollover = get_object_or_404(
            Rollover.objects.visible_to(self.request.user).select_related("region", "created_by", "applied_by"), pk=pk
        )
        rows = rollover_rows(rollover)
        kept = (rollover.summary or {}).get("kept", {})
        return super().get_context_data(
            rollover=rollover,
            form=form or RolloverConfirmForm(rows=rows),
            errors=errors,
            skipped=[row for row in rows if row.skipped],
            kept=[(row, kept[str(row.listing)]) for row in rows if str(row.listing) in kept],
            previewed=rollover.status == RolloverStatus.PREVIEWED,
            several_districts=rollover.region.kind != RegionKind.DISTRICT,
            **kwargs,
        )


class RolloverConfirmView(RolloverDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        rollover = get_object_or_404(Rollover.objects.visible_to(request.user), pk=pk)
        form = RolloverConfirmForm(request.POST, rows=rollover_rows(rollover))
        if not form.is_valid():
            errors = form.row_errors()
            messages.error(request, f"未确认，未写入任何数据：共 {len(errors)} 处需要修改，见下方。")
            return self.render_to_response(self.get_context_data(pk=pk, form=form, errors=errors))
        try:
            rollover = rollover_confirm(user=request.user, rollover=rollover, choices=form.choices())
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return self.render_to_response(self.get_context_data(pk=pk, form=form))
        messages.success(request, f"已续转：{rollover.to_year}年清单新增 {rollover.created} 个项目。")
        return redirect(rollover.get_absolute_url())
