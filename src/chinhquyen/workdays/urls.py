from django.urls import path

from chinhquyen.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.year_index_view, name="index"),
    path("<int:year>/", views.year_view, name="year"),
    path("<int:year>/export.json", views.year_export_view, name="export"),
]
