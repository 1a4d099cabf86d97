from django.urls import path

from chinhquyen.signing.api import views

urlpatterns = [
    path("signatures/validate/", views.ValidateView.as_view(), name="api-signatures-validate"),
    path("signatures/reports/<int:report_id>/", views.ReportView.as_view(), name="api-signatures-report"),
]
