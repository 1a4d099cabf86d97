from django.urls import path

from chinhquyen.organizations.api import views

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="api-logout-all"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("agencies/", views.AgencyListView.as_view(), name="api-agency-list"),
    path("agencies/<int:agency_id>/", views.AgencyDetailView.as_view(), name="api-agency-detail"),
]
