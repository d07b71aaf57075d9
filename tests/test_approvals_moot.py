"""Issue 10 item 3 — when a chain's decision becomes moot (the case is withdrawn, moves on by
another route, or the chain version is replaced), its pending levels are cancelled with an audit
entry instead of being left open."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.lifecycle import apply_transition
from applications.models import Application, AuditEntry, State
from applications.supplement import request_supplement
from approvals.models import ApprovalChain, ApprovalRecord

from .approvals_support import (
    LEVEL1,
    LEVEL2,
    approve,
    staff_user,
)
from .conftest import mfa_client, text_of

pytestmark = pytest.mark.django_db


def level_one_recorded(application):
    first = staff_user(LEVEL1)
    response = approve(mfa_client(first), application)
    assert "1/2 단계 승인 기록됨" in text_of(response)
    record = ApprovalRecord.objects.get(application=application)
    assert not record.closed and record.cancelled_at is None
    return first, record


def test_withdrawal_mid_chain_cancels_the_pending_level_with_an_audit_entry(
    submitted, two_level_chain, applicant_client
):
    _first, record = level_one_recorded(submitted)

    response = applicant_client.post(
        reverse("application_transition", args=[submitted.pk, "withdraw"]),
        {"reason": "사업 계획 변경"},
        follow=True,
    )
    assert response.status_code == 200
    assert Application.objects.get(pk=submitted.pk).state == State.WITHDRAWN

    record.refresh_from_db()
    assert record.closed and record.cancelled_at is not None
    assert record.cancel_reason == "신청이 철회되었습니다."
    entry = AuditEntry.objects.get(application=submitted, action="approval.cancelled")
    assert entry.data["cause"] == "withdrawn"
    assert entry.data["records"] == [record.pk] and entry.data["levels"] == [1]
    assert entry.actor == submitted.created_by
    timeline = text_of(applicant_client.get(reverse("application_detail", args=[submitted.pk])))
    assert "결재 취소 (더 이상 필요 없는 결정)" in timeline

    # The level-2 reviewer finds nothing left to approve; no new record is written.
    response = approve(mfa_client(staff_user(LEVEL2)), submitted)
    assert Application.objects.get(pk=submitted.pk).state == State.WITHDRAWN
    assert ApprovalRecord.objects.filter(application=submitted).count() == 1


def test_a_supplement_request_mid_chain_cancels_it_and_the_chain_restarts_after_resubmission(
    submitted, two_level_chain, staff
):
    first, record = level_one_recorded(submitted)

    request_supplement(
        application=submitted, by=staff, items=[_any_item()], message="사업계획서 보완"
    )

    record.refresh_from_db()
    assert record.closed and record.cancelled_at is not None
    entry = AuditEntry.objects.get(application=submitted, action="approval.cancelled")
    assert entry.data["cause"] == "moved_on"
    assert entry.actor == staff

    apply_transition(application=submitted, name="resubmit", by=submitted.created_by)
    # A fresh chain: level 1 again (the same reviewer may sign it), then level 2.
    assert "1/2 단계 승인 기록됨" in text_of(approve(mfa_client(first), submitted))
    approve(mfa_client(staff_user(LEVEL2)), submitted, reason="2단계 확인")
    assert Application.objects.get(pk=submitted.pk).state == State.APPROVED
    live = ApprovalRecord.objects.filter(application=submitted, cancelled_at=None)
    assert sorted(live.values_list("level", "closed")) == [(1, True), (2, True)]
    assert AuditEntry.objects.filter(action="approval.cancelled").count() == 1


def test_a_chain_version_replaced_in_the_admin_cancels_the_pending_levels(
    submitted, two_level_chain, staff_client
):
    _first, record = level_one_recorded(submitted)

    response = staff_client.post(
        reverse("admin:approvals_approvalchain_add"),
        {
            "decision": "approve",
            "levels": f'["{LEVEL1}", "{LEVEL2}", "{LEVEL2}"]',
            "effective_from": timezone.localdate().isoformat(),
            "note": "3단계로 강화",
        },
    )
    assert response.status_code == 302

    record.refresh_from_db()
    assert record.closed and record.cancelled_at is not None
    entry = AuditEntry.objects.get(application=submitted, action="approval.cancelled")
    assert entry.data["cause"] == "chain_replaced"
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED


def test_a_future_version_cancels_the_old_levels_once_it_takes_effect(submitted, two_level_chain):
    _first, record = level_one_recorded(submitted)
    future = ApprovalChain.objects.create(
        decision="approve",
        levels=[LEVEL1, LEVEL2],
        effective_from=timezone.localdate() + datetime.timedelta(days=2),
    )
    record.refresh_from_db()
    assert not record.closed  # not yet in force: the pending level stands

    ApprovalChain.objects.filter(pk=future.pk).update(effective_from=timezone.localdate())
    # The next level decided under the new version starts again at level 1.
    assert "1/2 단계 승인 기록됨" in text_of(approve(mfa_client(staff_user(LEVEL1)), submitted))
    record.refresh_from_db()
    assert record.cancelled_at is not None
    assert AuditEntry.objects.get(action="approval.cancelled").data["cause"] == "chain_replaced"


def test_a_completed_chain_cancels_nothing(submitted, two_level_chain):
    level_one_recorded(submitted)
    approve(mfa_client(staff_user(LEVEL2)), submitted, reason="2단계 확인")
    assert Application.objects.get(pk=submitted.pk).state == State.APPROVED
    assert not ApprovalRecord.objects.filter(cancelled_at__isnull=False).exists()
    assert not ApprovalRecord.objects.filter(closed=False).exists()
    assert not AuditEntry.objects.filter(action="approval.cancelled").exists()


def _any_item() -> str:
    from applications.wizard import supplement_choices

    return supplement_choices()[0][0]
