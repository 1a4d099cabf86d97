from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "chinhquyen.dossiers"
    label = "dossiers"
    verbose_name = _("One-stop shop dossiers")

    def ready(self) -> None:
        from chinhquyen.core.navigation import NavItem, register
        from chinhquyen.dossiers.notifications import contrib  # noqa: F401 - registers the SMS providers

        register(NavItem(label=_("Counter"), url_name="dossiers:counter", roles={"counter_officer"}, order=30))
        register(
            NavItem(label=_("My dossiers"), url_name="dossiers:queue", roles={"counter_officer", "processing_officer", "leader"}, order=31)
        )
        register(NavItem(label=_("Overdue dossiers"), url_name="dossiers:overdue", roles={"leader"}, order=32))
        register(NavItem(label=_("Dossier statistics"), url_name="dossiers:statistics", roles={"leader"}, order=33))
        from chinhquyen.core.work import register_provider
        from chinhquyen.dossiers import work

        register_provider(work.my_work)
        from chinhquyen.core.records import register_lister
        from chinhquyen.dossiers import selectors

        # The records behind a figure are listed with the one-stop pages' rules (ADR 0038).
        register_lister("dossiers.Dossier", selectors.list_dossiers_for_viewer)
