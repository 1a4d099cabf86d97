"""Home = my work (UI.md): the office's lists on the official's home page, only what they may see."""

from __future__ import annotations

import pytest

from chinhquyen.core.work import COUNT_CAP, work_for
from chinhquyen.documents.tests.conftest import register

pytestmark = pytest.mark.django_db


def _lists(official):
    return {w.key: w for w in work_for(official)}


def test_the_clerk_sees_what_to_present_urgent_first_and_others_see_nothing_of_it(client, office):
    cast = office.cast
    register(office, code_number="15", subject="Về việc giao chỉ tiêu biên chế")
    urgent = register(office, code_number="16", subject="Về việc phòng chống bão số 3", urgency="immediate")
    lists = _lists(cast.clerk_a)
    to_present = lists["incoming_to_present"]
    assert to_present.count == 2
    assert to_present.items[0].url == f"/documents/incoming/{urgent.pk}/" and str(to_present.items[0].tag) == "Hỏa tốc"
    page = client
    page.force_login(cast.clerk_a)
    html = page.get("/").content.decode()
    assert 'data-testid="work-incoming_to_present"' in html and "phòng chống bão số 3" in html
    # another agency's clerk and the specialist (not assigned) get no list, and no count, of these
    assert "incoming_to_present" not in _lists(cast.clerk_b)
    assert not any(w.key.startswith("incoming_") and w.count for w in work_for(cast.specialist_a))
    page.force_login(cast.clerk_b)
    assert "phòng chống bão" not in page.get("/").content.decode()


def test_counts_are_capped(office):
    assert COUNT_CAP == 99
    for number in range(101):
        register(office, scan=False, code_number=f"{number + 1:02d}")
    to_present = _lists(office.cast.clerk_a)["incoming_to_present"]
    assert to_present.count == COUNT_CAP + 1 and to_present.shown_count == "99+" and len(to_present.items) == 5
