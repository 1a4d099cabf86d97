"""`chinhquyen workdays …`: due times, working time between two instants, and the yearly calendars.

chinhquyen workdays add --from 2026-02-13T10:00 --days 1 [--hours H] [--cutoff 15:00] [--agency CODE]
chinhquyen workdays between FROM TO [--agency CODE]
chinhquyen workdays show 2026 [--agency CODE]
chinhquyen workdays propose 2027 [--dry-run]
chinhquyen workdays confirm 2027
chinhquyen workdays import FILE.json [--confirm | --unconfirmed]
chinhquyen workdays export 2026 [--output FILE.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chinhquyen.core.errors import DomainError
from chinhquyen.workdays import engine, services
from chinhquyen.workdays.fileformat import calendar_file_as_dict
from chinhquyen.workdays.inputs import agency_by_code, parse_amount, parse_cutoff, parse_instant
from chinhquyen.workdays.models import CalendarDay
from chinhquyen.workdays.selectors import year_days

WEEKDAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _pause(text: str) -> tuple[dt.datetime, dt.datetime]:
    start, sep, end = text.partition("/")
    if not sep:
        raise argparse.ArgumentTypeError("expected FROM/TO, e.g. 2026-03-02T10:00/2026-03-04T10:00")
    return parse_instant(start, field="pause"), parse_instant(end, field="pause")


def format_duration(delta: dt.timedelta, day_length_minutes: int) -> str:
    """`1170 minutes (2 working days and 03:30)`."""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    days, rest = divmod(abs(minutes), day_length_minutes)
    return _("%(minutes)s minutes (%(sign)s%(days)s working day(s) and %(hours)02d:%(rest)02d)") % {
        "minutes": minutes,
        "sign": sign,
        "days": days,
        "hours": rest // 60,
        "rest": rest % 60,
    }


class Command(BaseCommand):
    help = "Working calendar: due times, working time, and the yearly calendars (issue 3)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        add = sub.add_parser("add", help="Print the due time after an amount of working time.")
        add.add_argument("--from", dest="start", required=True, help="Start, e.g. 2026-02-13T10:00 (local time if no offset).")
        add.add_argument("--days", help="Working days (one day = one day's working hours).")
        add.add_argument("--hours", help="Working hours.")
        add.add_argument("--cutoff", help="A start at or after this time of day (e.g. 15:00) counts from the next working day.")
        add.add_argument("--agency", help="Electronic identifier code of the agency whose working hours apply.")
        add.add_argument("--pause", action="append", type=_pause, default=[], help="FROM/TO: the clock stops in between (repeatable).")

        between = sub.add_parser("between", help="Print the working time from FROM to TO.")
        between.add_argument("start", metavar="FROM")
        between.add_argument("end", metavar="TO")
        between.add_argument("--agency")
        between.add_argument("--pause", action="append", type=_pause, default=[])

        show = sub.add_parser("show", help="Print a year's calendar.")
        show.add_argument("year", type=int)
        show.add_argument("--agency")

        propose = sub.add_parser("propose", help="Propose a year by rule and store it unconfirmed.")
        propose.add_argument("year", type=int)
        propose.add_argument("--dry-run", action="store_true", help="Print the proposal without storing it.")

        confirm = sub.add_parser("confirm", help="Confirm a stored year.")
        confirm.add_argument("year", type=int)

        load = sub.add_parser("import", help="Replace a year by a notice file (JSON).")
        load.add_argument("file", type=Path)
        group = load.add_mutually_exclusive_group()
        group.add_argument("--confirm", dest="confirm", action="store_const", const=True, default=None)
        group.add_argument("--unconfirmed", dest="confirm", action="store_const", const=False)

        export = sub.add_parser("export", help="Write a stored year as a notice file (JSON).")
        export.add_argument("year", type=int)
        export.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from None

    def _agency(self, options: dict[str, Any]) -> Any:
        return agency_by_code(options["agency"]) if options.get("agency") else None

    def do_add(self, options: dict[str, Any]) -> None:
        due = engine.add_working_time(
            parse_instant(options["start"]),
            days=parse_amount(options["days"], field="days", whole=True) if options["days"] is not None else None,
            hours=parse_amount(options["hours"], field="hours") if options["hours"] is not None else None,
            cutoff=parse_cutoff(options["cutoff"]) if options["cutoff"] else None,
            pauses=options["pause"],
            agency=self._agency(options),
        )
        self.stdout.write(due.isoformat())

    def do_between(self, options: dict[str, Any]) -> None:
        calendar = engine.working_calendar(self._agency(options))
        delta = calendar.between(parse_instant(options["start"]), parse_instant(options["end"], field="to"), pauses=options["pause"])
        self.stdout.write(format_duration(delta, calendar.hours.day_length // engine.US_PER_MINUTE))

    def _warn_unconfirmed(self, year: int) -> None:
        status = engine.year_status(year)
        if status.source == "rules":
            self.stderr.write(
                _("Warning: there is no calendar for %(year)s; the rule proposal is used until one is imported and confirmed.")
                % {"year": year}
            )
        elif not status.confirmed:
            self.stderr.write(_("Warning: the calendar of %(year)s is not confirmed by an administrator.") % {"year": year})

    def do_show(self, options: dict[str, Any]) -> None:
        year = options["year"]
        overview = year_days(year=year)
        calendar = engine.working_calendar(self._agency(options))
        self._warn_unconfirmed(year)
        status = engine.year_status(year)
        self.stdout.write(
            _("Calendar %(year)s — %(state)s") % {"year": year, "state": _("confirmed") if status.confirmed else _("not confirmed")}
        )
        if overview.reference:
            self.stdout.write(_("Reference: %(reference)s") % {"reference": overview.reference})
        for notice in overview.notices:
            self.stdout.write(f"  - {notice.get('number', '')} {notice.get('date', '')} {notice.get('title', '')}".rstrip())
        for day in overview.days:
            self.stdout.write(
                f"{day.date.isoformat()} {WEEKDAY_ABBREVIATIONS[day.date.weekday()]} {day.kind:<13} {day.name}"
                + (f"  [{day.legal_reference}]" if day.legal_reference else "")
            )
        self.stdout.write(_("Working days: %(count)s") % {"count": calendar.working_days(year)})

    def do_propose(self, options: dict[str, Any]) -> None:
        proposal = services.propose_year(year=options["year"], dry_run=options["dry_run"])
        self.stdout.write(json.dumps(calendar_file_as_dict(proposal), ensure_ascii=False, indent=2))
        if not options["dry_run"]:
            self.stderr.write(
                _("Stored unconfirmed: check it against the notices, then run `workdays confirm %(year)s`.") % {"year": proposal.year}
            )

    def do_confirm(self, options: dict[str, Any]) -> None:
        row = services.confirm_year(year=options["year"])
        self.stdout.write(_("Calendar %(year)s confirmed.") % {"year": row.year})

    def do_import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        row = services.import_year(data=data, confirm=options["confirm"])
        count = CalendarDay.objects.filter(calendar_year=row).count()
        self.stdout.write(
            _("Calendar %(year)s imported: %(count)s days, %(state)s.")
            % {"year": row.year, "count": count, "state": _("confirmed") if row.confirmed else _("not confirmed")}
        )

    def do_export(self, options: dict[str, Any]) -> None:
        text = json.dumps(services.export_year(year=options["year"]), ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
