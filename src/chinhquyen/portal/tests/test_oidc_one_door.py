"""The portal's OpenID Connect sign-in goes through the one door (ADR 0033, issue 16 finding 8):
it never opens an official's session, whatever account the provider's identity is linked to."""

from __future__ import annotations

import pytest
from django.test import override_settings

from chinhquyen.core.models import AuditEvent
from chinhquyen.portal.models import ProviderIdentity
from chinhquyen.portal.tests import test_oidc

pytestmark = pytest.mark.django_db


def test_openid_connect_never_opens_an_officials_session(client, cast):
    """The provider's (iss, sub) linked to an official's account (e.g. by a bad edit in the database):
    the sign-in is refused, no official's session."""
    provider = test_oidc.Provider()
    try:
        with override_settings(
            PORTAL_OIDC_ISSUER=provider.issuer, PORTAL_OIDC_CLIENT_ID=test_oidc.CLIENT_ID, PORTAL_OIDC_CLIENT_SECRET="s3cret"
        ):
            ProviderIdentity.objects.create(
                account=cast.clerk_a, issuer=provider.issuer, subject=provider.subject, identity_number="038090001111"
            )
            response = test_oidc._sign_in(client)
    finally:
        provider.server.shutdown()
    assert response.status_code in (400, 403)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="portal.provider_refused", object_type="account", object_id=str(cast.clerk_a.pk)).exists()
