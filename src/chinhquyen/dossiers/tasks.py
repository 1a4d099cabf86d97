"""Background tasks of the dossiers app: load by id, call one function."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from chinhquyen.dossiers.models import Notification, NotificationChannel
from chinhquyen.dossiers.notifications.base import SmsError, normalise_phone
from chinhquyen.dossiers.notifications.registry import get_provider


def deliver_notification(notification_id: int) -> str:
    """Send one queued notification by e-mail (SMTP, EMAIL_URL) or SMS (SMS_PROVIDER); record the outcome.

    Already sent: nothing happens (a task run twice sends once). A refusal by the SMS provider is
    recorded on the row and raised, so the worker marks the task failed.
    """
    notification = Notification.objects.select_related("dossier").get(pk=notification_id)
    if notification.sent_at is not None:
        return "already sent"
    if notification.channel == NotificationChannel.EMAIL:
        subject = _("Dossier %(code)s") % {"code": notification.dossier.code}
        send_mail(subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.to], fail_silently=False)
        provider = "smtp"
    else:
        sms = get_provider()
        try:
            sms.send(to=normalise_phone(notification.to), text=notification.body)
        except SmsError as exc:
            Notification.objects.filter(pk=notification_id).update(error=str(exc)[:500], provider=sms.name)
            raise
        provider = sms.name
    Notification.objects.filter(pk=notification_id).update(sent_at=timezone.now(), provider=provider, error="")
    return provider


@task()
def send_notification(notification_id: int) -> str:
    return deliver_notification(notification_id)
