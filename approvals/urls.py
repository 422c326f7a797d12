from django.urls import path

from approvals.views import board, items, resources

app_name = "approvals"

urlpatterns = [
    # 联审联批: the year's board, the departments and one department's items (views.board)
    path("", board.ApprovalBoardView.as_view(), name="board"),
    path("export/", board.ApprovalExportView.as_view(), name="export"),
    path("departments/", board.DepartmentListView.as_view(), name="department_list"),
    path("departments/<int:pk>/", board.DepartmentDetailView.as_view(), name="department_detail"),
    # One project's items: apply a template, add, change, drop, the attachment (views.items)
    path("projects/<int:pk>/", items.ProjectItemsView.as_view(), name="project_items"),
    path("projects/<int:pk>/apply/", items.TemplateApplyView.as_view(), name="template_apply"),
    path("projects/<int:pk>/add/", items.ItemCreateView.as_view(), name="item_add"),
    path("items/<int:pk>/", items.ItemEditView.as_view(), name="item_edit"),
    path("items/<int:pk>/delete/", items.ItemDeleteView.as_view(), name="item_delete"),
    path("items/<int:pk>/attachment/", items.ItemAttachmentView.as_view(), name="item_attachment"),
    # 要素保障 and 入统 of one project (views.resources)
    path("projects/<int:pk>/resources/", resources.ResourcesEditView.as_view(), name="resources_edit"),
    path("projects/<int:pk>/statistics/", resources.StatisticsEditView.as_view(), name="statistics_edit"),
]
