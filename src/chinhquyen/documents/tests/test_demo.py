"""The demo year of documents (issue 4 §10): every role's list has something, and a second run changes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from chinhquyen.documents import selectors
from chinhquyen.documents.access import scope_of
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.organizations.models import Account


def test_load_demo_fills_every_list_and_is_idempotent(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())
    counts = (IncomingDocument.objects.count(), OutgoingDocument.objects.count())
    assert counts[0] > 80 and counts[1] > 20
    clerk, leader, specialist = (Account.objects.get(username=u) for u in ("vanthu.snv", "lanhdao.snv", "chuyenvien.snv"))
    for who, name in [
        (clerk, "to_present"),
        (clerk, "to_register"),
        (leader, "to_instruct"),
        (leader, "overdue"),
        (specialist, "mine"),
        (clerk, "all"),
    ]:
        qs, _ordering = selectors.incoming_list(scope_of(who), name)
        assert qs.exists(), (who.username, name)
    qs, _ordering = selectors.outgoing_list(scope_of(clerk), "to_issue")
    assert qs.exists()
    out = StringIO()
    call_command("load_demo_documents", stdout=out)
    assert (IncomingDocument.objects.count(), OutgoingDocument.objects.count()) == counts
