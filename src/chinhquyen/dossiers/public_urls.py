"""The public page the receipt's QR code opens (no login; rate-limited): `/tra-cuu-ho-so/`."""

from django.urls import path

from chinhquyen.dossiers import views

app_name = "dossiers_public"

urlpatterns = [path("", views.public_tracking_view, name="tracking")]
