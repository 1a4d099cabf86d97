from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "chinhquyen.reports"
    label = "reports"
    verbose_name = _("Indicators and reports")

    def ready(self) -> None:
        from chinhquyen.core.navigation import NavItem, register

        register(NavItem(label=_("Indicators"), url_name="reports:province", roles={"province_admin", "leader"}, order=90))
        register(NavItem(label=_("Yearly survey"), url_name="reports:survey", roles={"agency_admin"}, order=91))
