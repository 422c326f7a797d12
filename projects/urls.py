"""URL routes of the project pages."""

from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("problems/<int:pk>/instructions/", views.InstructionCreateView.as_view(), name="instruction_create"),
]
