"""`chinhquyen agencies import FILE [--dry-run]` and
`chinhquyen agencies export --format xlsx|csv|json [--as-of DATE | --all] OUTPUT`.

Both show a progress bar on stderr for large files (every 1 % of the rows). The import applies
whole or not at all (organizations.importers); a refused file exits with status 1 and lists each
refused row.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chinhquyen.organizations.exporters import FORMATS, export_agencies
from chinhquyen.organizations.importers import MAX_BYTES, import_agencies, parse_date
from chinhquyen.organizations.selectors import today

#: Below this many rows the bar is not worth drawing.
BAR_MIN_ROWS = 200


class ProgressBar:
    """A text bar with counts: `[########------------]  400/1000 saving`. Redrawn in place on a
    terminal; one line per tenth otherwise (logs, CI)."""

    def __init__(self, stream: TextIO, *, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self.last_tenth: dict[str, int] = {}
        self.drawn = False

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        if total < BAR_MIN_ROWS:
            return
        filled = self.width * done // total
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {done:>{len(str(total))}}/{total} {phase}"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done == total else ""))
            self.stream.flush()
        else:
            tenth = 10 * done // total
            if self.last_tenth.get(phase, -1) < tenth:
                self.last_tenth[phase] = tenth
                self.stream.write(line + "\n")
        self.drawn = True


class Command(BaseCommand):
    help = "Import or export the agency tree (Excel .xlsx, CSV, or the national axis JSON list)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a file; applies whole or not at all.")
        imp.add_argument("file", help="An .xlsx, .csv or .json file.")
        imp.add_argument("--dry-run", action="store_true", help="Check everything, save nothing.")
        exp = sub.add_parser("export", help="Export the tree as of a day (today by default).")
        exp.add_argument("output", help="The file to write ('-' for standard output).")
        exp.add_argument("--format", choices=FORMATS, required=True)
        group = exp.add_mutually_exclusive_group()
        group.add_argument("--as-of", help="dd/mm/yyyy or yyyy-mm-dd (default: today).")
        group.add_argument("--all", action="store_true", help="Every agency of every period (the whole history).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            self._export(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp / no such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"Tệp quá lớn / file too large (> {MAX_BYTES // 1048576} MB): {path}")
        report = import_agencies(path.read_bytes(), filename=path.name, dry_run=options["dry_run"], progress=ProgressBar(sys.stderr))
        if not report.ok:
            for error in report.errors:
                where = f"dòng / row {error.row}" if error.row is not None else "tệp / file"
                self.stderr.write(f"{where}: {error.message}")
            raise CommandError(f"Không nhập gì / nothing imported: {len(report.errors)} lỗi / errors.")
        verb = "Kiểm tra xong, không lưu (--dry-run) / checked, nothing saved" if report.dry_run else "Đã nhập / imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {report.total} dòng / rows — tạo mới / created {report.created}, "
                f"cập nhật / updated {report.updated}, không đổi / unchanged {report.unchanged}."
            )
        )

    def _export(self, options: dict[str, Any]) -> None:
        as_of = None
        if not options["all"]:
            try:
                as_of = parse_date(options["as_of"] or "") or today()
            except ValueError:
                raise CommandError(f"Ngày không hợp lệ / not a date: {options['as_of']}")
        bar = ProgressBar(sys.stderr)
        data = export_agencies(options["format"], as_of=as_of, progress=lambda done, total: bar(done, total, "exporting"))
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            return
        Path(options["output"]).write_bytes(data)
        self.stderr.write(f"{options['output']}: {len(data)} bytes")
