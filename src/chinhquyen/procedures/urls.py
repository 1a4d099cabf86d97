from django.urls import path

from chinhquyen.procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.procedure_list_view, name="list"),
    path("import/", views.procedure_import_view, name="import"),
    path("import/<int:job_id>/", views.procedure_import_job_view, name="import_job"),
    path("import/<int:job_id>/progress/", views.procedure_import_progress_view, name="import_progress"),
    path("<str:code>/", views.procedure_detail_view, name="detail"),
]
