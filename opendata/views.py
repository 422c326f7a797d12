"""The open-data pages: one project's 公开数据 section and form (its point, purpose and 可公开 mark),
the year's projects with their marks (office admins), and the OC4IDS package's download."""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import TemplateView, View

from accounts.roles import is_office_admin
from opendata.choices import CoordinateSystem
from opendata.exporters import InvalidPackage, write_package
from opendata.forms import MarkForm, PackageForm, PublicationForm
from opendata.selectors.package import CannotPublish, PackageRequest, package_parts, prefix
from opendata.selectors.publications import publication_for, year_projects
from opendata.services.publications import StalePublication, publication_save, publications_mark
from projects import clock
from projects.access import project_access
from projects.forms import form_errors, parse_int
from projects.models import Project
from projects.services.errors import ValidationError
from projects.views.exports import as_attachment
from projects.views.mixins import OfficeAdminRequiredMixin, add_service_errors, region_from


def publication_section(request, project):
    """The project page's 公开数据 section: the mark and the point, with a link to change them for
    admins and the staff who keep the project."""
    publication = publication_for(project)
    return render_to_string(
        "opendata/_project_publication.html",
        {
            "project": project,
            "publication": publication,
            "entered_label": CoordinateSystem(publication.entered_system).label if publication else "",
            "may_edit": project_access(request, project).keeps,
        },
        request=request,
    )


class PublicationEditView(LoginRequiredMixin, TemplateView):
    """One project's point, purpose and (for admins) 可公开 mark. Those who may see the project but
    not keep it get 403; a project they may not see, 404."""

    template_name = "opendata/publication_form.html"

    def dispatch(self, request, *args, pk, **kwargs):
        if request.user.is_authenticated:
            self.project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
            if not project_access(request, self.project).keeps:
                raise PermissionDenied("您不能修改该项目的公开数据设置。")
            self.may_mark = is_office_admin(request.user)
        return super().dispatch(request, *args, **kwargs)

    def initial(self):
        publication = publication_for(self.project)
        if publication is None:
            return {"version": 0, "system": CoordinateSystem.WGS84}
        point = ""
        if publication.entered_longitude is not None:
            point = f"{publication.entered_longitude.normalize():f},{publication.entered_latitude.normalize():f}"
        return {
            "version": publication.version,
            "system": publication.entered_system,
            "point": point,
            "purpose": publication.purpose,
            "public": publication.public,
        }

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            project=self.project,
            publication=publication_for(self.project),
            form=form or PublicationForm(initial=self.initial(), may_mark=self.may_mark),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = PublicationForm(request.POST, may_mark=self.may_mark)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            publication = publication_save(
                user=request.user,
                project=self.project,
                point=form.point_input(),
                purpose=form.cleaned_data["purpose"],
                public=form.cleaned_data.get("public") if self.may_mark else None,
                expected_version=form.cleaned_data["version"],
            )
        except StalePublication as error:
            # The user's input stays in the form, now naming the saved version: saving it again,
            # after reading what the other person saved (shown above it), is a knowing overwrite.
            data = request.POST.copy()
            data["version"] = error.publication.version
            form = PublicationForm(data, may_mark=self.may_mark)
            form.is_valid()
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form, stale=True))
        except ValidationError as error:
            # The service names the point's parts; the form has them in one field.
            fields = {"longitude": "point", "latitude": "point"}
            add_service_errors(form, ValidationError({fields.get(k, k): v for k, v in error.message_dict.items()}))
            return self.render_to_response(self.get_context_data(form=form))
        saved = "已保存公开数据设置。"
        if publication.entered_system != CoordinateSystem.WGS84 and publication.has_point:
            saved += (
                f"录入的{CoordinateSystem(publication.entered_system).label}坐标已换算为 WGS84："
                f"{publication.longitude.normalize():f},{publication.latitude.normalize():f}。"
            )
        messages.success(request, saved)
        return redirect(f"{self.project.get_absolute_url()}#publication")


class OpenDataYearMixin(OfficeAdminRequiredMixin):
    """The year and level asked for (?year=&level=; this year by default) and the admin's node."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_office_admin(request.user):
            self.region = region_from(request)
            data = {"year": clock.today().year, **request.GET.dict()}
            self.package_form = PackageForm(data)
            if self.package_form.is_valid():
                self.year, self.level = self.package_form.cleaned_data["year"], self.package_form.cleaned_data["level"]
            else:
                messages.warning(request, f"参数有误（{form_errors(self.package_form)}），已显示今年的全部级别。")
                self.year, self.level = clock.today().year, None
                self.package_form = PackageForm({"year": self.year})
                self.package_form.is_valid()
        return super().dispatch(request, *args, **kwargs)

    def page_url(self):
        query = f"?year={self.year}" + (f"&level={self.level}" if self.level else "")
        return reverse("opendata:index") + query + (f"&region={self.region.code}" if self.region else "")


class OpenDataIndexView(OpenDataYearMixin, TemplateView):
    """The year's projects with their 可公开 marks and points, marked many at once, and the download."""

    template_name = "opendata/index.html"
    page_size = 200

    def get_context_data(self, **kwargs):
        rows = year_projects(user=self.request.user, year=self.year, level=self.level, region=self.region)
        try:
            prefix_problem, registered = None, prefix()
        except CannotPublish as problem:
            prefix_problem, registered = str(problem), None
        page = Paginator(rows, self.page_size).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            rows=page.object_list,
            page_obj=page,
            query=self.page_url().split("?", 1)[1],
            total_count=len(rows),
            public_count=sum(row.public for row in rows),
            point_count=sum(row.public and row.has_point for row in rows),
            year=self.year,
            level=self.level,
            region=self.region,
            package_form=self.package_form,
            prefix=registered,
            prefix_problem=prefix_problem,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        rows = year_projects(user=request.user, year=self.year, level=self.level, region=self.region)
        form = MarkForm(request.POST, project_ids=[row.project.pk for row in rows])
        if not form.is_valid():
            messages.error(request, f"未做任何修改：{form_errors(form)}")
            return redirect(self.page_url())
        chosen = [row.project for row in rows if row.project.pk in set(form.cleaned_data["projects"])]
        public = form.cleaned_data["public"]
        changed = publications_mark(user=request.user, projects=chosen, public=public)
        what = "可公开" if public else "不公开"
        messages.success(request, f"已将 {changed} 个项目设为{what}（所选 {len(chosen)} 个，其余原已是{what}）。")
        return redirect(self.page_url() + (f"&page={page}" if (page := parse_int(request.GET.get("page"))) else ""))


class PackageDownloadView(OpenDataYearMixin, View):
    """The year's OC4IDS package as a .json download, checked against the schema before it goes out."""

    def get(self, request):
        package_request = PackageRequest(year=self.year, level=self.level, region=self.region)
        try:
            frame, entries = package_parts(user=request.user, request=package_request)
            file = tempfile.TemporaryFile()
            write_package(file, frame=frame, entries=entries)
        except CannotPublish as problem:
            messages.error(request, str(problem))
            return redirect(self.page_url())
        except InvalidPackage as invalid:
            # Never publish what the schema refuses; the message names the first fault.
            file.close()
            messages.error(request, str(invalid))
            return redirect(self.page_url())
        file.seek(0)
        response = FileResponse(file, content_type="application/json; charset=utf-8")
        return as_attachment(response, package_request.file_name)
