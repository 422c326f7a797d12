from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.OpenDataIndexView.as_view(), name="index"),
    path("oc4ids/download/", views.PackageDownloadView.as_view(), name="download"),
    path("projects/<int:pk>/", views.PublicationEditView.as_view(), name="publication_edit"),
]
