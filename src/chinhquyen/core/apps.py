from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chinhquyen.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib import admin

        from chinhquyen.core import sessions  # noqa: F401 - connects the login stamp
        from chinhquyen.core.admin import lock_foreign_admins

        # Every app's admin module is loaded by now (django.contrib.admin's ready comes first).
        lock_foreign_admins(admin.site)
