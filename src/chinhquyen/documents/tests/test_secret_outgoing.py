"""Issue 16 §14: a secret outgoing document is seen by the keepers of the secret register and by
its handling chain (drafter, the leader of the drafting unit, the leaders while it waits for
approval, the approver, the clerk who issued it) — not by every leader of the agency.

Law 29/2018/QH14 on the protection of state secrets, art. 11: access to a state secret is for
those whose tasks need it; Decree 30/2020, art. 15.2/16.3: secret documents are kept apart, in
their own register.
"""

from __future__ import annotations

import pytest

from chinhquyen.documents import access, services
from chinhquyen.documents.models import OutgoingStatus
from chinhquyen.documents.testing import pdf_bytes
from chinhquyen.organizations import services as org
from chinhquyen.organizations.models import Role
from chinhquyen.organizations.testing import PASSWORD, SINCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(office):
    account = org.create_official(username="phogiamdoc.a", full_name="Vũ Văn Phó", password=PASSWORD)
    org.assign_role(official=account, agency=office.cast.agency_a, role=Role.LEADER, valid_from=SINCE)
    return account


def _secret_draft(office):
    return services.create_draft(
        actor=office.specialist_y,
        agency=office.cast.agency_a,
        document_type="Công văn",
        subject="Về việc bảo vệ bí mật nhà nước năm 2026",
        draft=("du-thao.pdf", pdf_bytes()),
        secrecy="confidential",
    )


def _sees(official, document) -> bool:
    return access.visible_outgoing(access.scope_of(official)).filter(pk=document.pk).exists()


def test_leaders_see_a_secret_draft_only_while_it_waits_for_their_approval_and_the_approver_after(office, deputy):
    cast = office.cast
    document = _secret_draft(office)
    services.submit_draft(actor=office.specialist_y, document=document)
    document.refresh_from_db()
    assert document.status == OutgoingStatus.TO_APPROVE
    assert _sees(cast.leader_a, document) and _sees(deputy, document)  # the approval is the leaders' step
    services.approve_document(actor=cast.leader_a, document=document)
    document.refresh_from_db()
    assert _sees(cast.leader_a, document)  # the approver
    assert not _sees(deputy, document)  # another leader, outside the chain
    services.issue_document(actor=office.secret_clerk, document=document)
    assert not _sees(deputy, document)
    assert not _sees(cast.clerk_a, document)  # a clerk who does not keep the secret register
    assert _sees(office.secret_clerk, document) and _sees(office.specialist_y, document)


def test_a_leader_outside_the_chain_gets_not_found_for_a_secret_outgoing_document(office, deputy):
    document = _secret_draft(office)
    services.submit_draft(actor=office.specialist_y, document=document)
    services.approve_document(actor=office.cast.leader_a, document=document)
    from chinhquyen.core.errors import NotFound

    with pytest.raises(NotFound):
        access.access_outgoing(access.scope_of(deputy), document.pk)


def test_notifications_of_a_secret_document_go_only_to_its_chain_and_never_carry_its_subject(office, deputy):
    from chinhquyen.documents.models import Notification

    document = _secret_draft(office)
    services.submit_draft(actor=office.specialist_y, document=document)
    services.approve_document(actor=office.cast.leader_a, document=document)
    notified = {n.recipient_id: n.text for n in Notification.objects.filter(outgoing=document)}
    assert office.cast.clerk_a.pk not in notified  # a clerk who does not keep the secret register
    assert office.secret_clerk.pk in notified  # the keeper, who issues it
    assert all(document.subject not in text for text in notified.values())


def test_the_string_of_a_secret_document_names_neither_its_subject_nor_its_number(office):
    document = _secret_draft(office)
    assert document.subject not in str(document) and str(document.pk) in str(document)
    assert document.subject[:20] in document.label
