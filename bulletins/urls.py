"""URL routes of the bulletins (通报), under /bulletins/."""

from django.urls import path

from bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.BulletinListView.as_view(), name="bulletin_list"),
    path("draft/", views.BulletinDraftView.as_view(), name="bulletin_draft"),
    path("draft/document.docx", views.BulletinDraftDocumentView.as_view(), name="bulletin_draft_document"),
    path("template/", views.BulletinTemplateView.as_view(), name="bulletin_template"),
    path("template/default.docx", views.BulletinDefaultTemplateView.as_view(), name="bulletin_default_template"),
    path("<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("<int:pk>/document.docx", views.BulletinDocumentView.as_view(), name="bulletin_document"),
]
