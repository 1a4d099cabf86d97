from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "chinhquyen.documents"
    label = "documents"
    verbose_name = _("Electronic office")

    def ready(self) -> None:
        from chinhquyen.core.navigation import NavItem, register
        from chinhquyen.documents import hooks

        office = {"clerk", "leader", "unit_leader", "specialist"}
        register(NavItem(label=_("Incoming documents"), url_name="documents:incoming", roles=office, order=20))
        register(NavItem(label=_("Outgoing documents"), url_name="documents:outgoing", roles=office, order=21))
        register(NavItem(label=_("Register a document"), url_name="documents:register_incoming", roles={"clerk"}, order=22))
        register(NavItem(label=_("New draft"), url_name="documents:new_draft", roles=office, order=23))
        register(NavItem(label=_("Registers"), url_name="documents:registers", roles={"clerk", "leader"}, order=24))
        hooks.load_from_settings()
        from chinhquyen.documents import integrations

        integrations.install()
        from chinhquyen.documents import search

        search.connect()
        from chinhquyen.core.navigation import register_header_slot

        register(NavItem(label=_("Search documents"), url_name="documents:search", roles=office, order=25))
        register(NavItem(label=_("Paper intake"), url_name="documents:intake", roles={"clerk"}, order=26))
        register_header_slot("documents/_search_box.html")
        from chinhquyen.core.work import register_provider
        from chinhquyen.documents import work

        register_provider(work.my_work)
        from chinhquyen.core.records import register_lister
        from chinhquyen.documents import statistics

        # The records behind a figure are listed with the office's rules (ADR 0038).
        register_lister("documents.IncomingDocument", statistics.list_incoming_for_viewer)
        register_lister("documents.OutgoingDocument", statistics.list_outgoing_for_viewer)
