"""Home = my work (UI.md): the counter officer's queue, online dossiers to check tagged."""

from __future__ import annotations

import pytest

from chinhquyen.core.work import work_for
from chinhquyen.dossiers import services
from chinhquyen.dossiers.tests.conftest import CITIZEN, at, complete_components, receive

pytestmark = pytest.mark.django_db


def test_the_counter_officer_sees_the_online_dossier_to_check_and_the_leader_the_overdue_ones(client, one_stop, fake_clock):
    fake_clock.set(at(2026, 3, 2, 9))
    online = services.submit_online_dossier(
        procedure_code=one_stop.three_day.code,
        applicant=CITIZEN,
        components=complete_components(one_stop.three_day),
        receiving_agency=one_stop.cast.service_center,
    ).dossier
    lists = {w.key: w for w in work_for(one_stop.cast.counter_officer)}
    queue = lists["dossiers_queue"]
    assert queue.count == 1 and queue.items[0].label.startswith(online.code) and queue.items[0].tag
    client.force_login(one_stop.cast.counter_officer)
    html = client.get("/").content.decode()
    assert 'data-testid="work-dossiers_queue"' in html and online.code in html
    # the commune's officer sees nothing of it
    assert "dossiers_queue" not in {w.key for w in work_for(one_stop.commune_counter)}
    # a received dossier handed to agency A and left past its appointment shows to A's leader
    late = receive(one_stop)
    services.hand_over(officer=one_stop.cast.counter_officer, dossier=late)
    fake_clock.set(at(2026, 3, 20, 9))
    overdue = {w.key: w for w in work_for(one_stop.cast.leader_a)}["dossiers_overdue"]
    assert overdue.count == 1 and overdue.items[0].overdue
    assert work_for(one_stop.cast.leader_a)[0].key == "dossiers_overdue"  # overdue first
