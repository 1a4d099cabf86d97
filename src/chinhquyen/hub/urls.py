from django.urls import path

from chinhquyen.hub import api

app_name = "hub"

urlpatterns = [
    path("api/v1/send/", api.SendView.as_view(), name="send"),
    path("api/v1/send/batch/", api.SendBatchView.as_view(), name="send-batch"),
    path("api/v1/received/", api.ReceivedListView.as_view(), name="received"),
    path("api/v1/received/ack/", api.AckBatchView.as_view(), name="received-ack-batch"),
    path("api/v1/received/batch/", api.ReceivedBatchView.as_view(), name="received-batch"),
    path("api/v1/received/<str:doc_id>/", api.ReceivedItemView.as_view(), name="received-item"),
    path("api/v1/received/<str:doc_id>/ack/", api.AckView.as_view(), name="received-ack"),
    path("api/v1/sent/", api.SentView.as_view(), name="sent"),
    path("api/v1/agencies/", api.AgenciesView.as_view(), name="agencies"),
]
