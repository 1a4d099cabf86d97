from django.urls import path

from chinhquyen.workdays.api import views

urlpatterns = [
    path("workdays/due/", views.DueView.as_view(), name="api-workdays-due"),
]
