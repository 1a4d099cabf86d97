from django.urls import path

from chinhquyen.documents import intake_views, search_views, views

app_name = "documents"

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming"),
    path("incoming/new/", views.register_incoming, name="register_incoming"),
    path("incoming/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("incoming/<int:pk>/<slug:action>/", views.incoming_action, name="incoming_action"),
    path("outgoing/", views.outgoing_list, name="outgoing"),
    path("outgoing/new/", views.new_draft, name="new_draft"),
    path("outgoing/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("outgoing/<int:pk>/<slug:action>/", views.outgoing_action, name="outgoing_action"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("registers/", views.registers, name="registers"),
    path("registers/<int:pk>/<slug:kind>.<slug:fmt>", views.register_print, name="register_print"),
    path("notifications/", views.notifications, name="notifications"),
    path("search/", search_views.search_page, name="search"),
    path("search/box/", search_views.search_box, name="search_box"),
    path("files/<int:pk>/retry-extraction/", search_views.retry_attachment_extraction, name="retry_extraction"),
    path("intake/", intake_views.intake_upload, name="intake"),
    path("intake/<int:pk>/", intake_views.intake_status, name="intake_status"),
    path("intake/<int:pk>/register/", intake_views.intake_register, name="intake_register"),
]
