"""The fee counters of the statistics (Decision 766 raw counters, §4.2): a dossier counts once
however many payments it has, and "paid online" only for the national or provincial payment."""

from __future__ import annotations

import pytest

from chinhquyen.dossiers import selectors, services
from chinhquyen.dossiers.models import PaymentMethod
from chinhquyen.dossiers.tests.conftest import at, receive

pytestmark = pytest.mark.django_db


def test_fee_counters_count_dossiers_not_payments(one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 9))
    online_twice, cash, unpaid = receive(one_stop), receive(one_stop), receive(one_stop)
    for dossier in (online_twice, cash):
        services.hand_over(officer=one_stop.cast.counter_officer, dossier=dossier)
    officer = one_stop.processing_a
    services.record_payment(officer=officer, dossier=online_twice, amount=300000, method=PaymentMethod.ONLINE_NATIONAL)
    services.record_payment(officer=officer, dossier=online_twice, amount=300000, method=PaymentMethod.ONLINE_PROVINCE)
    services.record_payment(officer=officer, dossier=cash, amount=600000, method=PaymentMethod.CASH)
    (row,) = selectors.dossier_statistics(agency_ids=[one_stop.cast.agency_a.pk])
    assert (row["received"], row["with_payment"], row["paid_online"]) == (3, 2, 1)
    by_month = selectors.dossier_statistics(agency_ids=[one_stop.cast.agency_a.pk], group_by="month")
    assert [(r["received"], r["with_payment"], r["paid_online"]) for r in by_month] == [(3, 2, 1)]
    assert unpaid.pk  # received, never paid: in "received" only
