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
