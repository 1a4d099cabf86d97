"""A separate process that registers documents (tests/test_numbering.py).

    python numbering_worker.py CLERK_ID AGENCY_ID COUNT

Registers COUNT incoming documents through the real service, each in its own transaction,
against the database named by DATABASE_URL (the test database of the calling test).
"""

from __future__ import annotations

import datetime as dt
import os
import sys


def main() -> None:
    clerk_id, agency_id, count = (int(x) for x in sys.argv[1:4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
    import django

    django.setup()
    from chinhquyen.documents import services
    from chinhquyen.organizations.models import Account, Agency

    clerk = Account.objects.get(pk=clerk_id)
    agency = Agency.objects.get(pk=agency_id)
    pid = os.getpid()
    for i in range(count):
        services.register_incoming_document(
            actor=clerk,
            agency=agency,
            data=services.IncomingInput(
                issuer_name="Sở Tài chính tỉnh Thử Nghiệm",
                code_number=f"{(i % 900) + 10}",
                code_notation=f"STC-P{pid}",
                issued_date=dt.date(2026, 1, 5),
                document_type="QĐ" if i % 2 else "Công văn",
                subject=f"Văn bản thử số {i} của tiến trình {pid}",
            ),
            source="electronic",
        )
    print("ok", count)


if __name__ == "__main__":
    main()
