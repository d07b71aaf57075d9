"""DOMAIN §9 — suspension and termination with a recorded trigger and its evidence.

A case records the §9 trigger and the evidence; confirming it runs the lifecycle transition
(`suspend` or `terminate`) through `apply_transition`, which checks the staff permission, audits and
notifies the institution. Reinstatement lifts a suspension the same way. Termination is final.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import staff_may
from applications.audit import log_action
from applications.lifecycle import apply_transition
from applications.models import Application
from openbanking_portal.errors import NotAllowed, PortalError

from .models import SanctionCase

PERMISSION = "applications.suspend_application"


def _check(by) -> None:
    if not staff_may(by, PERMISSION):
        raise NotAllowed(_("이용중지·해지를 처리할 권한이 없습니다."))


def open_case(
    *,
    application: Application,
    trigger: str,
    evidence: str,
    by,
    action: str = SanctionCase.Action.SUSPEND,
    evidence_file=None,
) -> SanctionCase:
    """Staff record a §9 trigger with its evidence (the case waits for confirmation)."""
    _check(by)
    evidence = (evidence or "").strip()
    if not evidence:
        raise PortalError(_("근거를 입력하세요."), field="evidence")
    try:
        with transaction.atomic():
            case = SanctionCase.objects.create(
                application=application,
                trigger=trigger,
                action=action,
                evidence=evidence,
                opened_by=by,
                **({"evidence_file": evidence_file} if evidence_file else {}),
            )
            log_action(
                action="sanction.opened",
                actor=by,
                application=application,
                reason=evidence,
                data={"trigger": trigger, "action": action, "case": case.pk},
            )
    except IntegrityError:
        raise PortalError(_("같은 사유로 처리 대기 중인 사안이 이미 있습니다.")) from None
    return case


def confirm_case(*, case: SanctionCase, by, reason: str = "") -> SanctionCase:
    """Staff confirm: the transition runs (suspend or terminate) with the trigger in the reason."""
    _check(by)
    with transaction.atomic():
        case = SanctionCase.objects.select_for_update().get(pk=case.pk)
        if case.status != SanctionCase.Status.PROPOSED:
            raise PortalError(_("이미 처리된 사안입니다."))
        text = f"[{case.get_trigger_display()}] {(reason or '').strip() or case.evidence}"
        apply_transition(application=case.application_id, name=case.action, by=by, reason=text)
        case.status = SanctionCase.Status.CONFIRMED
        case.decided_by = by
        case.decided_at = timezone.now()
        case.decision_reason = (reason or "").strip()
        case.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        log_action(
            action="sanction.confirmed",
            actor=by,
            application=case.application,
            reason=text,
            data={"trigger": case.trigger, "action": case.action, "case": case.pk},
        )
    return case


def dismiss_case(*, case: SanctionCase, by, reason: str) -> SanctionCase:
    _check(by)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(_("기각 사유를 입력하세요."), field="reason")
    with transaction.atomic():
        case = SanctionCase.objects.select_for_update().get(pk=case.pk)
        if case.status != SanctionCase.Status.PROPOSED:
            raise PortalError(_("이미 처리된 사안입니다."))
        case.status = SanctionCase.Status.DISMISSED
        case.decided_by = by
        case.decided_at = timezone.now()
        case.decision_reason = reason
        case.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        log_action(
            action="sanction.dismissed",
            actor=by,
            application=case.application,
            reason=reason,
            data={"trigger": case.trigger, "case": case.pk},
        )
    return case


def reinstate(*, application: Application, by, reason: str) -> Application:
    """Lift a suspension (DOMAIN §9): the lifecycle's `reinstate`, audited and notified."""
    _check(by)
    return apply_transition(application=application, name="reinstate", by=by, reason=reason)
