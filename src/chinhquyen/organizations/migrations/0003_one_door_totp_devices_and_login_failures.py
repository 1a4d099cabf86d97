"""The one door (ADR 0033): TOTP devices (django-otp, key encrypted at rest) and login failures
keyed on user name and address replace the account's clear `totp_secret` and its account-wide
lock (`failed_logins`, `locked_until`). Enrolled officials keep their secret (now encrypted); an
enrolment that was not confirmed is dropped (the official is asked again at the next login)."""

import base64

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from chinhquyen.organizations import totp


def move_secrets_to_devices(apps, schema_editor):
    Account = apps.get_model("organizations", "Account")
    TotpDevice = apps.get_model("organizations", "TotpDevice")
    for account in Account.objects.filter(totp_confirmed=True).exclude(totp_secret="").iterator():
        secret = account.totp_secret.strip().upper()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        TotpDevice.objects.create(user_id=account.pk, name="TOTP", confirmed=True, encrypted_key=totp.encrypt_key(key))


def devices_back_to_secrets(apps, schema_editor):
    Account = apps.get_model("organizations", "Account")
    TotpDevice = apps.get_model("organizations", "TotpDevice")
    for device in TotpDevice.objects.filter(confirmed=True):
        secret = totp.base32(totp.decrypt_key(bytes(device.encrypted_key)))
        Account.objects.filter(pk=device.user_id).update(totp_secret=secret, totp_confirmed=True)


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0002_applicant_kind_national_list'),
    ]

    operations = [
        migrations.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username', models.CharField(max_length=150)),
                ('address', models.CharField(max_length=64)),
                ('at', models.DateTimeField(db_index=True)),
            ],
            options={
                'indexes': [models.Index(fields=['username', 'address', 'at'], name='loginfailure_pair_idx'), models.Index(fields=['address', 'at'], name='loginfailure_address_idx')],
            },
        ),
        migrations.CreateModel(
            name='TotpDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('encrypted_key', models.BinaryField(help_text='The TOTP key, encrypted at rest (organizations.totp).')),
                ('last_t', models.BigIntegerField(default=-1, help_text='Time step of the last accepted code; only later ones are accepted.')),
                ('drift', models.SmallIntegerField(default=0)),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'TOTP device',
                'verbose_name_plural': 'TOTP devices',
                'abstract': False,
            },
        ),
        migrations.RunPython(move_secrets_to_devices, devices_back_to_secrets),
        migrations.RemoveField(
            model_name='account',
            name='failed_logins',
        ),
        migrations.RemoveField(
            model_name='account',
            name='locked_until',
        ),
        migrations.RemoveField(
            model_name='account',
            name='totp_confirmed',
        ),
        migrations.RemoveField(
            model_name='account',
            name='totp_secret',
        ),
    ]
