"""URL routes of the project pages, reporting, the problem ledger and supervision visits."""

from django.urls import path

from projects.views import (
    bulk_assign,
    dashboard,
    exports,
    imports,
    photos,
    problems,
    projects,
    reports,
    rollover,
    visits,
)

app_name = "projects"

urlpatterns = [
    path("overview/", dashboard.OverviewView.as_view(), name="overview"),
    path("my-projects/", dashboard.LeaderHomeView.as_view(), name="leader_home"),
    path("projects/", projects.ProjectListView.as_view(), name="project_list"),
    path("projects/bulk/", bulk_assign.ListingBulkPreviewView.as_view(), name="listing_bulk_preview"),
    path("projects/bulk/confirm/", bulk_assign.ListingBulkConfirmView.as_view(), name="listing_bulk_confirm"),
    path("projects/<int:pk>/", projects.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/history/", projects.ProjectHistoryView.as_view(), name="project_history"),
    path("reports/", reports.ReportSheetView.as_view(), name="report_sheet"),
    path("reports/missing/", reports.MissingReportsView.as_view(), name="report_missing"),
    path("reports/close/", reports.MonthCloseView.as_view(), name="month_close"),
    path("reports/reopen/", reports.MonthReopenView.as_view(), name="month_reopen"),
    path("reports/<int:listing_id>/<int:month>/", reports.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/return/", reports.ReportReturnView.as_view(), name="report_return"),
    path("problems/", problems.ProblemListView.as_view(), name="problem_list"),
    path("problems/new/", problems.ProblemCreateView.as_view(), name="problem_create"),
    path("problems/<int:pk>/", problems.ProblemDetailView.as_view(), name="problem_detail"),
    path("problems/<int:pk>/transition/", problems.ProblemTransitionView.as_view(), name="problem_transition"),
    path("problems/<int:pk>/instructions/", projects.InstructionCreateView.as_view(), name="instruction_create"),
    path("visits/", visits.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visits.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/problems/", visits.VisitProblemsView.as_view(), name="visit_problems"),
    path("imports/", imports.ImportListView.as_view(), name="import_list"),
    path("imports/template.xlsx", imports.ImportTemplateView.as_view(), name="import_template"),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/confirm/", imports.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/errors.xlsx", imports.ImportErrorsView.as_view(), name="import_errors"),
    path("imports/<int:pk>/file/", imports.ImportFileView.as_view(), name="import_file"),
    path("lists/rollover/", rollover.RolloverStartView.as_view(), name="rollover_start"),
    path("lists/rollover/<int:pk>/", rollover.RolloverDetailView.as_view(), name="rollover_detail"),
    path("lists/rollover/<int:pk>/confirm/", rollover.RolloverConfirmView.as_view(), name="rollover_confirm"),
    path("exports/progress.xlsx", exports.ProgressTableExportView.as_view(), name="export_progress"),
    path("exports/problems.xlsx", exports.ProblemLedgerExportView.as_view(), name="export_problems"),
    path("exports/leaders.xlsx", exports.LeaderTableExportView.as_view(), name="export_leaders"),
    path("exports/projects.xlsx", exports.ProjectListExportView.as_view(), name="export_projects"),
    path("photos/<int:pk>/", photos.PhotoView.as_view(), name="photo"),
    path("photos/<int:pk>/thumbnail/", photos.PhotoView.as_view(thumbnail=True), name="photo_thumbnail"),
    path("photos/<int:pk>/delete/", photos.PhotoDeleteView.as_view(), name="photo_delete"),
]
