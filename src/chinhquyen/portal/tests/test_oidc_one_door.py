"""The portal's OpenID Connect sign-in goes through the one door (ADR 0033, issue 16 finding 8):
it never opens an official's session, whatever profile the identity number finds."""

from __future__ import annotations

import pytest
from django.test import override_settings

from chinhquyen.core.models import AuditEvent
from chinhquyen.organizations.models import Applicant
from chinhquyen.portal.tests import test_oidc

pytestmark = pytest.mark.django_db


def test_openid_connect_never_opens_an_officials_session(client, cast):
    """An applicant profile attached to an official's account (e.g. made in the admin site) with the
    number the identity provider vouches for: the sign-in is refused, no official's session."""
    provider = test_oidc.Provider()
    try:
        with override_settings(
            PORTAL_OIDC_ISSUER=provider.issuer, PORTAL_OIDC_CLIENT_ID=test_oidc.CLIENT_ID, PORTAL_OIDC_CLIENT_SECRET="s3cret"
        ):
            Applicant.objects.create(account=cast.clerk_a, identity_number="038090001111")
            response = test_oidc._sign_in(client)
    finally:
        provider.server.shutdown()
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_refused", actor_id=cast.clerk_a.pk, summary__door="oidc").exists()
