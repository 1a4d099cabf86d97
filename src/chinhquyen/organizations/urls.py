from django.urls import path

from chinhquyen.organizations import views

app_name = "organizations"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/second-factor/", views.second_factor_view, name="second_factor"),
    path("agencies/", views.agency_tree_view, name="agency_tree"),
    path("agencies/<int:agency_id>/", views.agency_detail_view, name="agency_detail"),
]
