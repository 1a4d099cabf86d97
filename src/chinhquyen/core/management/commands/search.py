"""`chinhquyen search reindex [--kind K …]`: rebuild the search index from the apps' providers.

`chinhquyen search kinds` lists the registered providers; `chinhquyen search query TEXT` runs a
search as the system (every agency, every secrecy level) for operators checking the index.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.core import search
from chinhquyen.core.errors import DomainError
from chinhquyen.core.search.registry import providers

BAR = 30


class Command(BaseCommand):
    help = "Search index tools: reindex, kinds, query."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex", "kinds", "query"])
        parser.add_argument("text", nargs="?", default="", help="the query (for `query`)")
        parser.add_argument("--kind", action="append", dest="kinds", help="only this kind (repeatable)")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--order", choices=["newest", "relevance"], default="newest")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "kinds":
            for kind in sorted(providers()):
                self.stdout.write(kind)
            return
        if action == "query":
            try:
                page = search.search(
                    options["text"], access=search.Access(everything=True), kinds=options["kinds"] or (), order=options["order"], count=True
                )
            except DomainError as error:
                raise CommandError(error.message)
            for hit in page.hits:
                self.stdout.write(f"{hit.kind}:{hit.object_id}  {hit.date or '-'}  {hit.title}\n    {hit.snippet}")
            self.stdout.write(f"{page.total}{'' if page.total_is_exact else '+'} match(es)")
            return
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()

        def progress(kind: str, done: int, total: int | None) -> None:
            if total:
                filled = BAR * min(done, total) // total
                line = f"{kind:<30} [{'#' * filled}{'.' * (BAR - filled)}] {done}/{total}"
            else:
                line = f"{kind:<30} {done}"
            if interactive:
                self.stdout.write("\r" + line, ending="")
            elif total is None or done in (0, total):
                self.stdout.write(line)

        try:
            written = search.reindex(options["kinds"] or None, batch_size=options["batch_size"], progress=progress)
        except DomainError as error:
            raise CommandError(error.message)
        if interactive:
            self.stdout.write("")
        self.stdout.write(f"Reindexed {sum(written.values())} entries of {len(written)} kind(s).")
