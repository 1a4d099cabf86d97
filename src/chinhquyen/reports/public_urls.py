"""The public figures (no login: core.middleware.PUBLIC_PATH_PREFIXES has "/chi-so/").

One URL: `/chi-so/` the page, `?chi-tieu=<code>` an indicator's definition, `?dinh-dang=csv|json`
the open data (docs/open-data.md) — one line in the URL-walk allow-list covers them all.
"""

from django.urls import path

from chinhquyen.reports import views

app_name = "reports_public"

urlpatterns = [path("", views.public_view, name="public")]
