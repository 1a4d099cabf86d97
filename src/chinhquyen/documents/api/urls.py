from rest_framework.routers import SimpleRouter

from chinhquyen.documents.api import views

router = SimpleRouter()
router.register("incoming-documents", views.IncomingDocumentViewSet, basename="incoming-document")
router.register("outgoing-documents", views.OutgoingDocumentViewSet, basename="outgoing-document")
router.register("document-registers", views.RegisterViewSet, basename="document-register")

urlpatterns = router.urls
