"""Reads of steps 2-3 used by the state machine's conditions, the pages and the scoring."""

from django.db.models import Prefetch

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
    if user.is_staff:
        return SecurityCheck.objects.all()
    ids = SecurityCheck.objects.filter(
        Q(application__institution__memberships__user=user) | Q(agency__memberships__user=user)
    ).values("pk")
    return SecurityCheck.objects.filter(pk__in=ids)


def checklist_items_visible_to(user):
    from .models import ChecklistItem

    if not user.is_authenticated:
        return ChecklistItem.objects.none()
    if user.is_staff:
        return ChecklistItem.objects.all()
    return ChecklistItem.objects.filter(round__application__institution__memberships__user=user)


def security_checks_valid(application, on=None) -> bool:
    """Both checks accepted, no re-check pending, and no recorded validity date before `on`
    (a null `valid_until` — checks accepted before validity dates existed — does not expire)."""
    import datetime

    from django.utils import timezone

    on = on or timezone.localdate()
    if isinstance(on, datetime.datetime):
        on = on.date()
    checks = list(
        SecurityCheck.objects.filter(application=application).values(
            "kind", "status", "valid_until", "recheck_required_at"
        )
    )
    ok = {
        c["kind"]
        for c in checks
        if c["status"] == CheckStatus.ACCEPTED
        and c["recheck_required_at"] is None
        and (c["valid_until"] is None or c["valid_until"] >= on)
    }
    return ok == set(CheckKind.values)


def invalid_security_checks(application, on=None) -> list[SecurityCheck]:
    """The recorded checks that no longer back a launch: not accepted (e.g. reopened by a contract
    change touching the services), re-check pending, or past their validity date. Applications
    that reached the contract step passed `both_checks_accepted`, so a missing row is not
    re-judged here (it was enforced by `pass_security_check`)."""
    import datetime

    from django.db.models import Q
    from django.utils import timezone

    on = on or timezone.localdate()
    if isinstance(on, datetime.datetime):
        on = on.date()
    return list(
        SecurityCheck.objects.filter(application=application).filter(
            ~Q(status=CheckStatus.ACCEPTED)
            | Q(recheck_required_at__isnull=False)
            | Q(valid_until__lt=on)
        )
    )
