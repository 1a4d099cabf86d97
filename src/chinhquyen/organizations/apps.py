from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "chinhquyen.organizations"
    label = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from chinhquyen.core.navigation import NavItem, register

        register(NavItem(label=_("My work"), url_name="home", order=0))
        register(NavItem(label=_("Agencies"), url_name="organizations:agency_tree", order=80))
        register(NavItem(label=_("Import and export agencies"), url_name="organizations:agency_import", roles={"province_admin"}, order=90))
        register(NavItem(label=_("Administration"), url_name="admin:index", staff_only=True, order=99))


class OfficialsAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with our site: its login is the officials' login, and it needs the second factor."""

    default = False
    default_site = "chinhquyen.organizations.admin_site.OfficialsAdminSite"
