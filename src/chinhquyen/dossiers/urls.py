from django.urls import path

from chinhquyen.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("counter/", views.counter_view, name="counter"),
    path("counter/procedures/", views.procedure_search_fragment, name="procedure_search"),
    path("counter/components/", views.components_fragment, name="components"),
    path("queue/", views.queue_view, name="queue"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("statistics/export/", views.statistics_export_view, name="statistics_export"),
    path("tracking-book/", views.tracking_book_view, name="tracking_book"),
    path("<str:code>/", views.dossier_view, name="detail"),
    path("<str:code>/forms/<str:form>/", views.dossier_form_view, name="form"),
    path("<str:code>/<str:action>/", views.dossier_action_view, name="action"),
]
