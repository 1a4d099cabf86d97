from django.urls import path

from chinhquyen.organizations import views, views_import

app_name = "organizations"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change_view, name="password_change"),
    path("accounts/second-factor/", views.second_factor_view, name="second_factor"),
    path("accounts/second-factor/enrol/", views.second_factor_enrol_view, name="second_factor_enrol"),
    path("agencies/", views.agency_tree_view, name="agency_tree"),
    path("agencies/<int:agency_id>/", views.agency_detail_view, name="agency_detail"),
    path("agencies/import/", views_import.agency_import_view, name="agency_import"),
    path("agencies/import/<int:job_id>/", views_import.agency_import_job_view, name="agency_import_job"),
    path("agencies/import/<int:job_id>/progress/", views_import.agency_import_progress_view, name="agency_import_progress"),
    path("agencies/export/", views_import.agency_export_view, name="agency_export"),
]
