"""Issue 10 item 2 — validity of security-check results: reminders before expiry and re-checks
forced by contract changes that touch the services or the app."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action

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
    """Notify the institution and staff once per check (per recorded expiry date) when an
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
    staff = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("email")
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
            _notify_expiry(check, staff)
            log_action(
                action="security_check.validity_reminded",
                actor=None,
                application=check.application,
                data={"check": check.pk, "kind": check.kind, "valid_until": str(check.valid_until)},
            )
        reminded.append(check.pk)
    return reminded


def _notify_expiry(check: SecurityCheck, staff: list) -> None:
    """The institution gets its security-check page, staff the check's admin page."""
    from notifications.models import Category
    from notifications.services import institution_recipients, notify

    application = check.application

    def body() -> str:
        return _("%(app)s의 %(kind)s 결과는 %(date)s에 만료됩니다. 재점검을 준비하세요.") % {
            "app": application,
            "kind": check.get_kind_display(),
            "date": check.valid_until.isoformat(),
        }

    common = {
        "category": Category.SECURITY_VALIDITY,
        "subject": lambda: _("[오픈뱅킹] 보안점검 결과 유효기간 만료 안내"),
        "body": body,
        "application": application,
        "key": f"security_validity:{check.pk}:{check.valid_until.isoformat()}",
    }
    notify(
        institution_recipients(application.institution),
        link=reverse("reviews:security_check", args=[application.pk]),
        **common,
    )
    notify(staff, link=reverse("admin:reviews_securitycheck_change", args=[check.pk]), **common)


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
