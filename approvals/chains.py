"""`decide` — record the next level of a decision's approval chain; the last level applies it."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.models import Application
from openbanking_portal.errors import NotAllowed, PortalError

from .models import DEFAULT_LEVELS, ApprovalChain, ApprovalRecord, Decision

TRANSITIONS = {
    Decision.APPROVE: "approve",
    Decision.SUSPEND: "suspend",
    Decision.TERMINATE: "terminate",
}


@dataclass(frozen=True)
class Outcome:
    record: ApprovalRecord
    level: int
    of_levels: int

    @property
    def completed(self) -> bool:
        return self.level == self.of_levels


def levels_for(decision: str) -> tuple[list[str], ApprovalChain | None]:
    chain = ApprovalChain.objects.in_force(decision)
    if chain is None:
        return list(DEFAULT_LEVELS[decision]), None
    return list(chain.levels), chain


def _has(user, perm: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm(perm))


def decide(*, application, decision: str, by, comment: str = "", reason: str = "", apply=None):
    """Record the level `by` is entitled to (the next pending one, four-eyes) and, on the last
    level, carry out the decision (`apply(by)` for non-lifecycle decisions such as signing)."""
    decision = Decision(decision)
    levels, chain = levels_for(decision)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        pending = list(
            ApprovalRecord.objects.filter(application=app, decision=decision, closed=False)
        )
        level = len(pending) + 1
        if level > len(levels):  # chain shortened since: the next level is the last one
            level = len(levels)
        perm = levels[level - 1]
        # unconfigured: the transition's own permission check decides, exactly as before
        enforce = chain is not None or len(levels) > 1
        if enforce and not _has(by, perm):
            raise NotAllowed(_("%(level)d단계 결재 권한이 없습니다.") % {"level": level})
        if any(r.reviewer_id == by.pk for r in pending):
            raise NotAllowed(_("앞 단계를 결재한 사람은 다음 단계를 결재할 수 없습니다."))
        last = level == len(levels)
        if last and (reason or "").strip() == "" and pending:
            reason = pending[0].reason
        if last:
            if decision in TRANSITIONS:
                from applications.lifecycle import apply_transition

                apply_transition(
                    application=app,
                    name=TRANSITIONS[decision],
                    by=by,
                    reason=reason,
                    # unconfigured: the transition's own permission check, exactly as before;
                    # configured: the chain has checked the level's permission above
                    system=enforce,
                )
            elif apply is not None:
                apply(by)
        elif decision in TRANSITIONS:
            _check_possible(app, TRANSITIONS[decision], reason)
        record = ApprovalRecord.objects.create(
            application=app,
            decision=decision,
            level=level,
            of_levels=len(levels),
            chain=chain,
            reviewer=by,
            comment=comment.strip(),
            reason=(reason or "").strip(),
            closed=last,
        )
        if last:
            ApprovalRecord.objects.filter(application=app, decision=decision, closed=False).update(
                closed=True
            )
        log_action(
            action="approval.level_recorded",
            actor=by,
            application=app,
            reason=_("%(decision)s %(level)d/%(of)d 단계: %(comment)s")
            % {
                "decision": decision.label,
                "level": level,
                "of": len(levels),
                "comment": comment.strip() or "—",
            },
            data={
                "decision": decision.value,
                "decision_label": str(decision.label),
                "level": level,
                "of": len(levels),
                "record": record.pk,
            },
        )
    return Outcome(record=record, level=level, of_levels=len(levels))


def _check_possible(app, name: str, reason: str) -> None:
    from applications import lifecycle

    t = lifecycle.transition_named(app, name)
    if t is None:
        raise PortalError(_("현재 상태에서는 이 결정을 할 수 없습니다."))
    if t.custom.get("reason_required") and not (reason or "").strip():
        raise PortalError(_("사유를 입력해야 합니다."), field="reason")
