from django.urls import path

from chinhquyen.procedures.api import views

urlpatterns = [
    path("procedures/", views.ProcedureListView.as_view(), name="api-procedure-list"),
    path("procedures/<str:code>/", views.ProcedureDetailView.as_view(), name="api-procedure-detail"),
]
