"""Migration 0003 keeps an enrolled official's authenticator, now with the key encrypted (ADR 0033)."""

from __future__ import annotations

import pyotp
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("organizations", "0002_applicant_kind_national_list")]
AFTER = [("organizations", "0003_one_door_totp_devices_and_login_failures")]


def test_an_enrolled_officials_secret_moves_into_an_encrypted_device():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    secret = pyotp.random_base32()
    old_account = old.get_model("organizations", "Account")
    enrolled = old_account.objects.create(username="quantri.cu", totp_secret=secret, totp_confirmed=True)
    old_account.objects.create(username="dang.dang.ky", totp_secret=pyotp.random_base32(), totp_confirmed=False)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from chinhquyen.organizations.models import TotpDevice

    (device,) = TotpDevice.objects.all()
    assert device.user_id == enrolled.pk and device.confirmed
    assert secret.encode() not in bytes(device.encrypted_key)
    assert device.verify_token(pyotp.TOTP(secret).now())
