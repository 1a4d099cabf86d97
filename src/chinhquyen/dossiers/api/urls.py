from django.urls import path

from chinhquyen.dossiers.api import views

urlpatterns = [
    path("dossiers/", views.DossierListCreateView.as_view(), name="api-dossier-list"),
    path("dossiers/statistics/", views.DossierStatisticsView.as_view(), name="api-dossier-statistics"),
    path("dossiers/<str:code>/", views.DossierDetailView.as_view(), name="api-dossier-detail"),
    path("dossiers/<str:code>/<str:action>/", views.DossierActionView.as_view(), name="api-dossier-action"),
    path("public/dossiers/<str:code>/", views.PublicDossierView.as_view(), name="api-public-dossier"),
]
