from django.urls import path

from scoring.views import exports, ranking, schemes

app_name = "scoring"

urlpatterns = [
    # 考核排名 (views.ranking): a district's ranking for a period (?region=&year=&period=month-9), one
    # street's or unit's breakdown, freezing a closed period
    path("", ranking.RankingView.as_view(), name="ranking"),
    path("schemes/<int:pk>/<str:kind>/<int:subject>/", ranking.SubjectScoreView.as_view(), name="subject_score"),
    path("schemes/<int:pk>/freeze/", ranking.SheetFreezeView.as_view(), name="sheet_freeze"),
    # 考核方案 (views.schemes): the rules, and 加分/减分
    path("schemes/", schemes.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/new/", schemes.SchemeCreateView.as_view(), name="scheme_create"),
    path("schemes/<int:pk>/", schemes.SchemeEditView.as_view(), name="scheme_edit"),
    path("schemes/<int:pk>/adjustments/", schemes.AdjustmentListView.as_view(), name="adjustments"),
    path("adjustments/<int:pk>/withdraw/", schemes.AdjustmentWithdrawView.as_view(), name="adjustment_withdraw"),
    # 导出 (views.exports): the ranking as the office's .xlsx
    path("schemes/<int:pk>/export/", exports.RankingExportView.as_view(), name="ranking_export"),
]
