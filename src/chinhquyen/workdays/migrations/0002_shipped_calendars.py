"""Load the shipped, confirmed 2024–2026 calendars (workdays/data/*.json; STANDARDS §13.3).

Years already stored are left alone. The files are checked with the same parser as
`import_year`; the rows are written with the historical models, without an audit event (the
shipped files themselves are the record).
"""

import uuid
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    from chinhquyen.workdays.fileformat import parse_calendar_file

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    for path in sorted(DATA_DIR.glob("*.json")):
        calendar = parse_calendar_file(path.read_bytes())
        if CalendarYear.objects.filter(year=calendar.year).exists():
            continue
        row = CalendarYear.objects.create(
            year=calendar.year,
            reference=calendar.reference,
            notices=calendar.notices,
            source="notice",
            confirmed=calendar.confirmed,
            revision=uuid.uuid4().hex,
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=row, date=d.date, kind=d.kind, name=d.name, legal_reference=d.legal_reference) for d in calendar.days
        )


def unload(apps, schema_editor):
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    for path in sorted(DATA_DIR.glob("*.json")):
        CalendarYear.objects.filter(year=int(path.stem), source="notice").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
