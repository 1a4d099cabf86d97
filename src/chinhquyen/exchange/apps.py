from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "chinhquyen.exchange"
    label = "exchange"
    verbose_name = _("Document exchange")

    def ready(self) -> None:
        from chinhquyen.core.navigation import NavItem, register

        register(NavItem(label=_("Document exchange"), url_name="exchange:operator", roles={"province_admin"}, order=92))
