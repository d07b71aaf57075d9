"""E-mail to the applicant about what happens inside steps 2-3 (the state changes themselves are
e-mailed by `applications.lifecycle`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from applications.models import AuditEntry
from applications.notifications import recipients_by_language

# action code → (subject, body template, page of the applicant site)
EVENTS = {
    "functional_test.round_failed": (
        _("[오픈뱅킹] 기능테스트 불합격 항목 안내"),
        "reviews/emails/round_failed.txt",
        "reviews:functional_test",
    ),
    "security_check.remediation_requested": (
        _("[오픈뱅킹] 보안점검 미흡 항목 조치 요청"),
        "reviews/emails/remediation_requested.txt",
        "reviews:security_check",
    ),
    "security_check.check_accepted": (
        _("[오픈뱅킹] 보안점검 검토 완료"),
        "reviews/emails/check_accepted.txt",
        "reviews:security_check",
    ),
}


def queue_review_email(entry: AuditEntry) -> None:
    """Queue the e-mail once the transaction that wrote `entry` has committed."""
    from .tasks import send_review_email

    transaction.on_commit(lambda: send_review_email.delay(entry.pk))


def notify_review_event(*, entry_id: int) -> int:
    """Send one e-mail per language for the audit entry; returns the number of messages sent."""
    entry = AuditEntry.objects.select_related("application__institution").get(pk=entry_id)
    if entry.action not in EVENTS or entry.application is None:
        return 0
    subject, template, page = EVENTS[entry.action]
    application = entry.application
    link = settings.SITE_URL + reverse(page, args=[application.pk])
    sent = 0
    for language, emails in recipients_by_language(application.institution).items():
        with translation.override(language):
            body = render_to_string(
                template,
                {"entry": entry, "data": entry.data, "application": application, "link": link},
            )
            sent += send_mail(str(subject), body, None, sorted(emails))
    return sent
