"""E-mail to the applicant about what happens inside steps 2-3 (the state changes themselves are
e-mailed by `applications.lifecycle`)."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import AuditEntry

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
    """Notify the institution of the audit entry (portal + e-mail); returns e-mail messages sent.
    Safe to run twice: the audit entry is the notice's key."""
    from notifications.models import Category
    from notifications.services import institution_recipients, notify

    entry = AuditEntry.objects.select_related("application__institution").get(pk=entry_id)
    if entry.action not in EVENTS or entry.application is None:
        return 0
    subject, template, page = EVENTS[entry.action]
    application = entry.application
    return notify(
        institution_recipients(application.institution),
        category=Category.REVIEW_REQUEST,
        subject=subject,
        template=template,
        context={"entry": entry, "data": entry.data, "application": application},
        link=reverse(page, args=[application.pk]),
        application=application,
        key=f"audit:{entry.pk}",
    )
