"""Reads of steps 2-3 used by the state machine's conditions, the pages and the scoring."""

from django.db.models import Prefetch

from accounts.roles import staff_may

from .models import (
    CheckKind,
    CheckStatus,
    FunctionalTestRequest,
    FunctionalTestRound,
    ItemResult,
    SecurityCheck,
)


def submitted_request(application) -> FunctionalTestRequest | None:
    return (
        FunctionalTestRequest.objects.filter(application=application, submitted_at__isnull=False)
        .prefetch_related("functions")
        .first()
    )


def latest_round(application) -> FunctionalTestRound | None:
    return (
        FunctionalTestRound.objects.filter(application=application)
        .order_by("-number")
        .prefetch_related("items")
        .first()
    )


def rounds_of(application):
    return (
        FunctionalTestRound.objects.filter(application=application)
        .order_by("-number")
        .prefetch_related("items")
    )


def latest_round_all_passed(application) -> bool:
    latest = latest_round(application)
    if latest is None:
        return False
    items = list(latest.items.all())
    return bool(items) and all(item.result == ItemResult.PASSED for item in items)


def checks_of(application):
    return (
        SecurityCheck.objects.filter(application=application)
        .select_related("agency")
        .prefetch_related("documents", Prefetch("findings__remediations"))
    )


def both_checks_accepted(application) -> bool:
    accepted = set(
        SecurityCheck.objects.filter(
            application=application, status=CheckStatus.ACCEPTED
        ).values_list("kind", flat=True)
    )
    return accepted == set(CheckKind.values)


def vulnerability_deficiencies(application) -> int:
    """DOMAIN §6.2 — the number of deficient items (미흡 항목) found by the fintech-service
    vulnerability check; the centre-guarantee score adds 10 points for each."""
    check = SecurityCheck.objects.filter(
        application=application, kind=CheckKind.VULNERABILITY
    ).first()
    if check is None:
        return 0
    return check.findings.filter(deficient=True).count()


def has_submitted_request(application) -> bool:
    return FunctionalTestRequest.objects.filter(
        application=application, submitted_at__isnull=False, functions__isnull=False
    ).exists()


def checks_visible_to(user):
    """Staff see every check; an institution's members see its checks; an agency's users see the
    checks assigned to their agency (STYLE §7: scoping in one place)."""
    from django.db.models import Q

    if not user.is_authenticated:
        return SecurityCheck.objects.none()
    if staff_may(user, "reviews.view_securitycheck"):
        return SecurityCheck.objects.all()
    ids = SecurityCheck.objects.filter(
        Q(application__institution__memberships__user=user) | Q(agency__memberships__user=user)
    ).values("pk")
    return SecurityCheck.objects.filter(pk__in=ids)


def checklist_items_visible_to(user):
    from .models import ChecklistItem

    if not user.is_authenticated:
        return ChecklistItem.objects.none()
    if staff_may(user, "reviews.view_checklistitem"):
        return ChecklistItem.objects.all()
    return ChecklistItem.objects.filter(round__application__institution__memberships__user=user)


def required_check_kinds(application) -> list[str]:
    """DOMAIN §7 — every applicant goes through both checks before launch: the institution
    security check (its operating environment) and the fintech-service vulnerability check."""
    return list(CheckKind.values)


def security_check_blockers(application, on=None) -> list[str]:
    """DOMAIN §2 ③/⑤, §7 and issue 10 item 2 — why the security checks do not back a launch on
    `on` (empty when they do): one reason per required check that is missing, not accepted by the
    centre, waiting for a re-check, or past its validity date. A null `valid_until` (no date set by
    the agency) does not expire. One query."""
    import datetime

    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    on = on or timezone.localdate()
    if isinstance(on, datetime.datetime):
        on = on.date()
    checks = {c.kind: c for c in SecurityCheck.objects.filter(application=application)}
    reasons = []
    for kind in required_check_kinds(application):
        label = CheckKind(kind).label
        check = checks.get(kind)
        if check is None:
            reasons.append(_("%(kind)s 결과가 없습니다.") % {"kind": label})
        elif check.recheck_required_at is not None:
            reasons.append(_("%(kind)s 재점검이 필요합니다(서비스·앱 변경).") % {"kind": label})
        elif check.status != CheckStatus.ACCEPTED:
            reasons.append(
                _("%(kind)s 결과를 센터가 검토 완료하지 않았습니다(현재: %(status)s).")
                % {"kind": label, "status": check.get_status_display()}
            )
        elif check.valid_until is not None and check.valid_until < on:
            reasons.append(
                _("%(kind)s 결과의 유효기간이 %(date)s에 만료되었습니다.")
                % {"kind": label, "date": date_format(check.valid_until, "Y-m-d")}
            )
    return reasons


def security_checks_valid(application, on=None) -> bool:
    """Every required check accepted, no re-check pending, none past its validity date."""
    return not security_check_blockers(application, on)
