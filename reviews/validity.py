"""Issue 10 item 2 — validity of security-check results: reminders before expiry and re-checks
forced by contract changes that touch the services or the app."""

import datetime

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.notifications import recipients_by_language

from .models import CheckKind, CheckStatus, SecurityCheck

DEFAULT_REMINDER_DAYS = 30


def reminder_days(on: datetime.date | None = None) -> int:
    from policies.models import PolicyVersion
    from policies.services import policy_data

    try:
        data = policy_data("review_targets", on)
    except PolicyVersion.DoesNotExist:  # no policy in force: the documented default
        data = {}
    return int(data.get("security_validity_reminder_days", DEFAULT_REMINDER_DAYS))


def send_validity_reminders(*, today: datetime.date | None = None) -> list[int]:
    """E-mail the institution and staff once per check (per recorded expiry date) when an
    accepted check's `valid_until` falls within the reminder window. Returns the reminded ids."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=reminder_days(today))
    due = (
        SecurityCheck.objects.filter(
            status=CheckStatus.ACCEPTED, valid_until__isnull=False, valid_until__lte=horizon
        )
        .exclude(validity_reminded_for=F("valid_until"))
        .select_related("application__institution")
    )
    staff_emails = sorted(
        e
        for e in get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    reminded = []
    for check in due:
        with transaction.atomic():
            updated = (
                SecurityCheck.objects.filter(pk=check.pk)
                .exclude(validity_reminded_for=check.valid_until)
                .update(validity_reminded_for=check.valid_until)
            )
            if not updated:
                continue
            subject = _("[오픈뱅킹] 보안점검 결과 유효기간 만료 안내")
            body = _("%(app)s의 %(kind)s 결과는 %(date)s에 만료됩니다. 재점검을 준비하세요.") % {
                "app": check.application,
                "kind": check.get_kind_display(),
                "date": check.valid_until.isoformat(),
            }
            emails = set().union(*recipients_by_language(check.application.institution).values())
            send_mail(str(subject), body, None, sorted(emails | set(staff_emails)))
            log_action(
                action="security_check.validity_reminded",
                actor=None,
                application=check.application,
                data={"check": check.pk, "kind": check.kind, "valid_until": str(check.valid_until)},
            )
        reminded.append(check.pk)
    return reminded


def require_vulnerability_recheck(*, application, by, reason: str = "") -> SecurityCheck | None:
    """A contract change touching the services or the app: the vulnerability check is reopened
    (back to 'applied'), so launch and continuation conditions fail until it is accepted again."""
    with transaction.atomic():
        check = (
            SecurityCheck.objects.select_for_update()
            .filter(application=application, kind=CheckKind.VULNERABILITY)
            .first()
        )
        if check is None:
            return None
        if check.status == CheckStatus.ACCEPTED:
            check.reopen()
        else:
            check.recheck_required_at = timezone.now()
        check.save()
        log_action(
            action="security_check.recheck_required",
            actor=by,
            application=application,
            reason=reason,
            data={"check": check.pk, "kind": check.kind},
        )
    return check
