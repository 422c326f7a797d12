"""通报: the archive of issued bulletins, the draft page where an admin writes 下步工作 and issues
one, an issued bulletin's page and the .docx downloads. Every bulletin is read through
selectors.archive.readable_bulletins."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.roles import is_office_admin
from bulletins.documents import DEFAULT_TEMPLATE, render_office_docx
from bulletins.forms import BulletinDraftForm, BulletinIssueForm, BulletinTemplateForm
from bulletins.selectors.archive import (
    correctable_bulletins,
    document_name,
    draft_document_name,
    readable_bulletins,
)
from bulletins.selectors.drafts import bulletin_draft
from bulletins.selectors.templates import active_template
from bulletins.services.issue import bulletin_issue, bulletin_office
from bulletins.services.templates import bulletin_template_reset, bulletin_template_upload
from projects.choices import Level
from projects.forms import form_errors
from projects.scoping import home_region_id
from projects.selectors.reporting import figures_period
from projects.views.exports import as_attachment
from projects.views.mixins import ForgivingPaginationMixin, OfficeAdminRequiredMixin, add_service_errors

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BulletinListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """The archive: issued bulletins the user may read; for admins, the form that opens a draft."""

    template_name = "bulletins/bulletin_list.html"
    context_object_name = "bulletins"
    paginate_by = 50

    def get_queryset(self):
        return readable_bulletins(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if is_office_admin(user):
            period = figures_period(region=home_region_id(user))
            initial = {"year": period.year, "month": period.month, "level": Level.CITY}
            context["draft_form"] = BulletinDraftForm(initial=initial, user=user)
        return context


def _draft_choice(request, data):
    """(office, the draft's parameters) from ``data``, or (None, a redirect to the archive saying in
    Chinese what was wrong)."""
    choice = BulletinDraftForm(data, user=request.user)
    try:
        office = bulletin_office(request.user)
    except ValidationError as error:  # the operator of an installation with several offices
        messages.warning(request, "；".join(error.messages))
        return None, redirect("bulletins:bulletin_list")
    if not choice.is_valid():
        messages.warning(request, "通报参数有误：" + form_errors(choice))
        return None, redirect("bulletins:bulletin_list")
    return office, choice.params()


class BulletinDraftView(OfficeAdminRequiredMixin, View):
    """The draft of the chosen bulletin as a page; its form writes 下步工作 and 备注 and issues it
    (or downloads the draft with them, not stored)."""

    template_name = "bulletins/bulletin_draft.html"

    def get(self, request):
        office, params = _draft_choice(request, request.GET)
        if office is None:
            return params
        form = BulletinIssueForm(
            initial=params,
            user=request.user,
            replaceable=correctable_bulletins(office=office, **params),
        )
        return self.page(request, office, params, form)

    def post(self, request):
        office, params = _draft_choice(request, request.POST)
        if office is None:
            return params
        form = BulletinIssueForm(
            request.POST, user=request.user, replaceable=correctable_bulletins(office=office, **params)
        )
        if form.is_valid():
            values = form.params()
            if request.POST.get("action") == "preview":
                draft = bulletin_draft(user=request.user, region=office, **params)
                content = {**draft.as_dict(), "next_steps": values["next_steps"], "notes": values["notes"]}
                return _docx(render_office_docx(content, office=office), draft_document_name(draft))
            try:
                bulletin = bulletin_issue(by=request.user, region=office, **values)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"已签发{bulletin.year}年第{bulletin.number}期通报。")
                return redirect("bulletins:bulletin_detail", pk=bulletin.pk)
        return self.page(request, office, params, form)

    def page(self, request, office, params, form):
        draft = bulletin_draft(user=request.user, region=office, **params)
        return render(
            request,
            self.template_name,
            {"draft": draft, "content": draft.as_dict(), "form": form, "office": office, "query": _query(params)},
        )


def _query(params):
    street = params["street"]
    return f"year={params['year']}&month={params['month']}&level={params['level']}" + (
        f"&street={street.pk}" if street is not None else ""
    )


def _docx(data, filename):
    return as_attachment(HttpResponse(data, content_type=DOCX), filename)


class BulletinDraftDocumentView(OfficeAdminRequiredMixin, View):
    """The draft as .docx, rendered on the fly and not stored (下步工作 still empty)."""

    def get(self, request):
        office, params = _draft_choice(request, request.GET)
        if office is None:
            return params
        draft = bulletin_draft(user=request.user, region=office, **params)
        content = {**draft.as_dict(), "next_steps": "", "notes": ""}
        return _docx(render_office_docx(content, office=office), draft_document_name(draft))


class BulletinDetailView(LoginRequiredMixin, DetailView):
    """An issued bulletin as it was issued (bulletin.content), never recomputed."""

    template_name = "bulletins/bulletin_detail.html"
    context_object_name = "bulletin"

    def get_queryset(self):
        return readable_bulletins(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["content"] = self.object.content
        context["replaced_by"] = readable_bulletins(self.request.user).filter(replaces=self.object)
        return context


class BulletinDocumentView(LoginRequiredMixin, View):
    """The .docx stored when the bulletin was issued."""

    def get(self, request, pk):
        bulletin = get_object_or_404(readable_bulletins(request.user), pk=pk)
        return as_attachment(FileResponse(bulletin.document.open("rb"), content_type=DOCX), document_name(bulletin))


class BulletinTemplateView(OfficeAdminRequiredMixin, View):
    """The office's Word template: which one is in use, the default to download and edit, an upload
    (checked by rendering a sample bulletin; a broken one is refused and the old one kept) and the
    way back to the default."""

    template_name = "bulletins/bulletin_template.html"

    def get(self, request):
        return self.page(request, BulletinTemplateForm())

    def post(self, request):
        try:
            office = bulletin_office(request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
            return redirect("bulletins:bulletin_list")
        if request.POST.get("action") == "reset":
            previous = bulletin_template_reset(by=request.user, region=office)
            messages.success(request, "已恢复默认通报模板。" if previous else "本项目办使用的已是默认通报模板。")
            return redirect("bulletins:bulletin_template")
        form = BulletinTemplateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                bulletin_template_upload(by=request.user, region=office, upload=form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, "新模板已启用，此后签发的通报使用该模板。")
                return redirect("bulletins:bulletin_template")
        return self.page(request, form)

    def page(self, request, form):
        try:
            office = bulletin_office(request.user)
        except ValidationError:
            office = None
        context = {"form": form, "office": office, "active": active_template(office)}
        return render(request, self.template_name, context)


class BulletinDefaultTemplateView(OfficeAdminRequiredMixin, View):
    """The default template (.docx) to edit in Word or WPS and upload again."""

    def get(self, request):
        return _docx(DEFAULT_TEMPLATE.read_bytes(), "通报默认模板.docx")
