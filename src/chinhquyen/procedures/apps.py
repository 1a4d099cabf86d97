from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "chinhquyen.procedures"
    label = "procedures"
    verbose_name = _("Administrative procedures")

    def ready(self) -> None:
        from chinhquyen.core.navigation import NavItem, register

        register(NavItem(label=_("Procedures"), url_name="procedures:list", order=40))
        register(NavItem(label=_("Import procedures"), url_name="procedures:import", roles={"province_admin"}, order=91))
