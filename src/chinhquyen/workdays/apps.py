from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "chinhquyen.workdays"
    label = "workdays"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from chinhquyen.core.navigation import NavItem, register

        register(NavItem(label=_("Working calendar"), url_name="workdays:index", roles={"province_admin"}, order=91))
