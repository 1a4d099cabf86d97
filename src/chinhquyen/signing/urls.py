from django.urls import path

from chinhquyen.signing import views

app_name = "signing"

urlpatterns = [
    path("", views.validate_view, name="validate"),
    path("reports/<int:report_id>/", views.report_view, name="report"),
    path("reports/<int:report_id>.pdf", views.report_pdf_view, name="report-pdf"),
    path("reports/<int:report_id>.json", views.report_json_view, name="report-json"),
]
