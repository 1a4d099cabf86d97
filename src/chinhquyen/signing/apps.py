from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "chinhquyen.signing"
    label = "signing"
    verbose_name = _("Digital signatures")

    def ready(self) -> None:
        import logging

        from chinhquyen.core.navigation import NavItem, register

        # pyHanko logs a full traceback for every certificate it cannot validate; our reports say it once, in words.
        for name in ("pyhanko.sign.validation", "pyhanko_certvalidator", "pyhanko.sign.general", "pyhanko.sign.diff_analysis"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting of every stamp, at INFO
        register(NavItem(label=_("Check signatures"), url_name="signing:validate", order=80))
