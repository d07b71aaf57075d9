"""E-mail to the institution at each state change (이용적합성 승인 통지 and the rest)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import AuditEntry


def recipients_by_language(institution) -> dict[str, set[str]]:
    by_lang: dict[str, set[str]] = {}
    for m in institution.memberships.select_related("user"):
        by_lang.setdefault(m.user.preferred_language or "ko", set()).add(m.user.email)
    if institution.contact_email and not any(
        institution.contact_email in s for s in by_lang.values()
    ):
        by_lang.setdefault("ko", set()).add(institution.contact_email)
    return by_lang


def notify_state_change(*, entry_id: int) -> int:
    """Send one e-mail per language; returns the number of messages sent. Safe to run twice."""
    entry = AuditEntry.objects.select_related("application__institution").get(pk=entry_id)
    application = entry.application
    if application is None:
        return 0
    link = settings.SITE_URL + reverse("application_detail", args=[application.pk])
    sent = 0
    for language, emails in recipients_by_language(application.institution).items():
        with translation.override(language):
            context = {"entry": entry, "application": application, "link": link}
            subject = render_to_string("emails/state_change_subject.txt", context).strip()
            body = render_to_string("emails/state_change.txt", context)
        sent += send_mail(subject, body, None, sorted(emails))
    return sent
