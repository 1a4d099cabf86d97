from django.urls import path

from chinhquyen.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.operator_view, name="operator"),
    path("outbox/<int:pk>/retry/", views.retry_outbox_view, name="retry_outbox"),
    path("inbox/<int:pk>/retry/", views.retry_inbox_view, name="retry_inbox"),
]
