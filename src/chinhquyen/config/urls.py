from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from chinhquyen.core import views as core_views

api_v1: list[URLPattern | URLResolver] = [
    path("", include("chinhquyen.organizations.api.urls")),
    path("", include("chinhquyen.workdays.api.urls")),
    path("", include("chinhquyen.procedures.api.urls")),
    path("", include("chinhquyen.dossiers.api.urls")),
    path("", include("chinhquyen.documents.api.urls")),
    path("", include("chinhquyen.signing.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from a URL: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="core/swagger_ui.html"), name="api-docs"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(".well-known/security.txt", core_views.security_txt, name="security_txt"),
    path("", include("chinhquyen.organizations.urls")),
    path("workdays/", include("chinhquyen.workdays.urls")),
    path("procedures/", include("chinhquyen.procedures.urls")),
    path("dossiers/", include("chinhquyen.dossiers.urls")),
    path("documents/", include("chinhquyen.documents.urls")),
    path("signatures/", include("chinhquyen.signing.urls")),
    path("tra-cuu-ho-so/", include("chinhquyen.dossiers.public_urls")),
    path("dich-vu-cong/", include("chinhquyen.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("hub/", include("chinhquyen.hub.urls")),
    path("exchange/", include("chinhquyen.exchange.urls")),
    path("reports/", include("chinhquyen.reports.urls")),
    path("chi-so/", include("chinhquyen.reports.public_urls")),
]

handler400 = "chinhquyen.core.views.bad_request"
handler403 = "chinhquyen.core.views.permission_denied"
handler404 = "chinhquyen.core.views.page_not_found"
handler500 = "chinhquyen.core.views.server_error"
