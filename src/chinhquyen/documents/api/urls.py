from django.urls import path
from rest_framework.routers import SimpleRouter

from chinhquyen.documents import search_api
from chinhquyen.documents.api import views

router = SimpleRouter()
router.register("incoming-documents", views.IncomingDocumentViewSet, basename="incoming-document")
router.register("outgoing-documents", views.OutgoingDocumentViewSet, basename="outgoing-document")
router.register("document-registers", views.RegisterViewSet, basename="document-register")

urlpatterns = [path("documents/search/", search_api.DocumentSearchView.as_view(), name="documents-search"), *router.urls]
