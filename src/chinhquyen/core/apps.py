from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chinhquyen.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.apps import apps

        from chinhquyen.core import sessions  # noqa: F401 - connects the login stamp

        if not apps.is_installed("django.contrib.admin"):
            return  # the standalone hub (config/hub_settings.py) has no admin site
        from django.contrib import admin

        from chinhquyen.core.admin import lock_foreign_admins

        # Every app's admin module is loaded by now (django.contrib.admin's ready comes first).
        lock_foreign_admins(admin.site)
