"""URLs of a hub running alone (`chinhquyen hub serve`, settings `chinhquyen.config.hub_settings`)."""

from django.urls import include, path

from chinhquyen.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("hub/", include("chinhquyen.hub.urls")),
]
