"""The shipped SMS providers: `console` (a file or the console, for the demo) and `http` (a gateway)."""

from chinhquyen.dossiers.notifications.contrib import console, http  # noqa: F401
