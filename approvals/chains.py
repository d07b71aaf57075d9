"""`decide` — record the next level of a decision's approval chain; the last level applies it."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import staff_may
from applications.audit import log_action
from applications.models import Application, State
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


def decide(*, application, decision: str, by, comment: str = "", reason: str = "", apply=None):
    """Record the level `by` is entitled to (the next pending one, four-eyes) and, on the last
    level, carry out the decision (`apply(by)` for non-lifecycle decisions such as signing)."""
    decision = Decision(decision)
    levels, chain = levels_for(decision)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        cancel_moot(application=app, by=by)
        pending = list(
            ApprovalRecord.objects.filter(application=app, decision=decision, closed=False)
        )
        level = len(pending) + 1
        if level > len(levels):  # chain shortened since: the next level is the last one
            level = len(levels)
        perm = levels[level - 1]
        # unconfigured: the transition's own permission check decides, exactly as before
        enforce = chain is not None or len(levels) > 1
        if enforce and not staff_may(by, perm):
            raise NotAllowed(_("%(level)d단계 결재 권한이 없습니다.") % {"level": level})
        if any(r.reviewer_id == by.pk for r in pending):
            raise NotAllowed(_("앞 단계를 결재한 사람은 다음 단계를 결재할 수 없습니다."))
        last = level == len(levels)
        if last and (reason or "").strip() == "" and pending:
            reason = pending[0].reason
        if last:
            # Closed before the decision is carried out, so the transition's own clean-up
            # (`cancel_moot`) does not take this chain's levels for a moot decision.
            ApprovalRecord.objects.filter(pk__in=[r.pk for r in pending]).update(closed=True)
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


# --- decisions that became moot ------------------------------------------------------------------


def _why_moot(app: Application, decision: str, chain_id: int | None) -> tuple[str, str] | None:
    """(cause, reason) when the pending levels of `decision` no longer lead anywhere."""
    from applications import lifecycle

    _levels, chain = levels_for(decision)
    if chain_id != (chain.pk if chain else None):
        return "chain_replaced", _("결재 단계 설정이 새 버전으로 바뀌었습니다.")
    if app.state == State.WITHDRAWN:
        return "withdrawn", _("신청이 철회되었습니다.")
    if decision in TRANSITIONS:
        still_possible = lifecycle.transition_named(app, TRANSITIONS[decision]) is not None
    else:  # the contract signature: only a contract-step application with an unsigned contract
        contract = getattr(app, "contract", None)
        still_possible = app.state == State.CONTRACT and not (contract and contract.signed_at)
    if still_possible:
        return None
    return "moved_on", _("신청이 다른 처리로 %(state)s 상태가 되었습니다.") % {
        "state": app.get_state_display()
    }


def cancel_moot(*, application: Application, by=None) -> int:
    """Issue 10 item 3 — close, with an audit entry, the pending levels of every decision that
    became moot: the case moved on by another route, was withdrawn, or the chain version they
    were recorded under was replaced. Called by the lifecycle after every transition and by
    `decide` before recording a level. Returns the number of records cancelled."""
    cancelled = 0
    with transaction.atomic():
        pending = list(
            ApprovalRecord.objects.select_for_update()
            .filter(application=application, closed=False)
            .order_by("decision", "level")
        )
        by_decision: dict[str, list[ApprovalRecord]] = {}
        for record in pending:
            by_decision.setdefault(record.decision, []).append(record)
        for decision, records in by_decision.items():
            moot = _why_moot(application, decision, records[0].chain_id)
            if moot is None:
                continue
            cause, reason = moot
            ids = [r.pk for r in records]
            # Compare-and-swap: a run that finds them already closed writes no second entry.
            if not ApprovalRecord.objects.filter(pk__in=ids, closed=False).update(
                closed=True, cancelled_at=timezone.now(), cancel_reason=str(reason)[:200]
            ):
                continue
            label = Decision(decision).label
            log_action(
                action="approval.cancelled",
                actor=by,
                application=application,
                reason=_("%(decision)s 결재 %(n)d건 취소: %(why)s")
                % {"decision": label, "n": len(ids), "why": reason},
                data={
                    "decision": decision,
                    "decision_label": str(label),
                    "cause": cause,
                    "records": ids,
                    "levels": [r.level for r in records],
                },
            )
            cancelled += len(ids)
    return cancelled


def cancel_replaced_chains(*, decision: str, by=None) -> int:
    """Issue 10 item 3 — the pending levels of `decision` recorded under a chain version other
    than the one in force today are cancelled (`cancel_moot`, with its audit entry). Called by the
    admin when a version in force from today is saved, and daily by
    `approvals.tasks.cancel_replaced_chains` for versions dated in the future. Safe to run twice.
    Returns the number of records cancelled."""
    chain = ApprovalChain.objects.in_force(decision)
    stale = ApprovalRecord.objects.filter(decision=decision, closed=False)
    stale = stale.exclude(chain=chain) if chain is not None else stale.exclude(chain=None)
    cancelled = 0
    for pk in sorted(set(stale.values_list("application_id", flat=True))):
        with transaction.atomic():
            # The row lock `decide` and the lifecycle take: the case is read as it now stands.
            app = Application.objects.select_for_update().select_related("institution").get(pk=pk)
            cancelled += cancel_moot(application=app, by=by)
    return cancelled


def cancel_all_replaced_chains(*, by=None) -> int:
    """Issue 10 item 3 — every decision's `cancel_replaced_chains`: run by beat just after
    midnight, Korean time, so a version dated in the future cancels the levels pending under the
    older one on the day it takes effect, even if nobody touches those applications."""
    return sum(cancel_replaced_chains(decision=decision, by=by) for decision in Decision)
