"""Issue 10 item 3 — approval chains configured by staff: a two-level approval through the admin,
four-eyes, each level in the case timeline; the unconfigured default keeps one level."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, AuditEntry, State
from approvals.models import ApprovalChain, ApprovalRecord

from .approvals_support import (
    LEVEL1,
    LEVEL2,
    approve,
    staff_user,
)
from .conftest import mfa_client, text_of
from .contract_support import staff_with

pytestmark = pytest.mark.django_db


def test_two_level_approval_needs_two_people_with_their_permissions(
    submitted, two_level_chain, applicant_client
):
    first = staff_user(LEVEL1)
    second = staff_user(LEVEL2)
    both = staff_user(LEVEL1, LEVEL2)

    response = approve(mfa_client(first), submitted)
    assert "1/2 단계 승인 기록됨" in text_of(response)
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED

    # level 2 needs its own permission: the level-1 holder cannot finish it
    response = approve(mfa_client(first), submitted)
    assert "권한이 없습니다" in text_of(response) or "결재할 수 없습니다" in text_of(response)
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED

    approve(mfa_client(second), submitted, reason="2단계 확인")
    assert Application.objects.get(pk=submitted.pk).state == State.APPROVED
    records = list(ApprovalRecord.objects.filter(application=submitted).order_by("level"))
    assert [(r.level, r.reviewer_id, r.closed) for r in records] == [
        (1, first.pk, True),
        (2, second.pk, True),
    ]
    assert both.pk not in [r.reviewer_id for r in records]

    levels = AuditEntry.objects.filter(application=submitted, action="approval.level_recorded")
    assert [e.data["level"] for e in levels.order_by("id")] == [1, 2]
    timeline = text_of(applicant_client.get(reverse("application_detail", args=[submitted.pk])))
    assert timeline.count("결재 단계 기록") == 2
    assert "이용 승인 1/2 단계" in timeline and "이용 승인 2/2 단계" in timeline


def test_same_person_cannot_approve_both_levels(submitted, two_level_chain):
    both = mfa_client(staff_user(LEVEL1, LEVEL2))
    approve(both, submitted)
    response = approve(both, submitted)
    assert "앞 단계를 결재한 사람은" in text_of(response)
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED
    assert ApprovalRecord.objects.filter(application=submitted).count() == 1


def test_level_one_needs_its_permission(submitted, two_level_chain):
    response = approve(mfa_client(staff_user(LEVEL2)), submitted)
    assert "1단계 결재 권한이 없습니다" in text_of(response)
    assert not ApprovalRecord.objects.exists()


def test_unconfigured_chain_is_one_level_as_before(submitted, staff_client):
    approve(staff_client, submitted)
    assert Application.objects.get(pk=submitted.pk).state == State.APPROVED
    record = ApprovalRecord.objects.get(application=submitted)
    assert (record.level, record.of_levels, record.chain) == (1, 1, None)


def test_future_chain_version_is_not_yet_in_force(submitted, staff_client):
    ApprovalChain.objects.create(
        decision="approve",
        levels=[LEVEL1, LEVEL2],
        effective_from=timezone.localdate() + datetime.timedelta(days=3),
    )
    approve(staff_client, submitted)
    assert Application.objects.get(pk=submitted.pk).state == State.APPROVED


def test_staff_add_a_chain_version_in_the_admin_and_cannot_edit_one_in_use(
    staff_client, two_level_chain
):
    response = staff_client.post(
        reverse("admin:approvals_approvalchain_add"),
        {
            "decision": "suspend",
            "levels": '["applications.suspend_application", "approvals.approve_level2"]',
            "effective_from": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "note": "중지는 2단계",
        },
    )
    assert response.status_code == 302
    assert ApprovalChain.objects.get(decision="suspend").levels[1] == LEVEL2
    response = staff_client.post(
        reverse("admin:approvals_approvalchain_change", args=[two_level_chain.pk]),
        {"decision": "approve", "levels": '["x.y"]', "effective_from": "2020-01-01"},
    )
    two_level_chain.refresh_from_db()
    assert two_level_chain.levels == [LEVEL1, LEVEL2]


def test_bad_levels_are_refused_in_the_admin(staff_client):
    response = staff_client.post(
        reverse("admin:approvals_approvalchain_add"),
        {"decision": "approve", "levels": '["nodot"]', "effective_from": "2030-01-01"},
    )
    assert response.status_code == 200
    assert not ApprovalChain.objects.exists()


def test_two_level_contract_signature_in_the_contract_admin(staff, contract_ready_unsigned):
    from contracts.models import Contract

    ApprovalChain.objects.create(
        decision="sign",
        levels=["applications.advance_application", LEVEL2],
        effective_from=timezone.localdate(),
    )
    contract_perms = ("contracts.view_contract", "contracts.change_contract")
    first = staff_with("applications.advance_application", *contract_perms)
    # contracts.signing itself still asks for advance_application of whoever signs
    second = staff_with("applications.advance_application", LEVEL2, *contract_perms)
    contract = Contract.objects.get(application=contract_ready_unsigned)
    url = reverse("admin:contracts_contract_changelist")
    data = {"action": "sign", "_selected_action": [contract.pk]}

    response = mfa_client(first).post(url, data, follow=True)
    assert "1/2 단계 승인 기록됨" in text_of(response)
    contract.refresh_from_db()
    assert contract.signed_at is None

    mfa_client(second).post(url, data, follow=True)
    contract.refresh_from_db()
    assert contract.signed_at is not None
    assert list(
        ApprovalRecord.objects.filter(decision="sign").values_list("level", "reviewer_id")
    ) == [(1, first.pk), (2, second.pk)]


@pytest.fixture
def contract_ready_unsigned(member, staff, settings, tmp_path):
    from contracts.preparation import prepare_signed_contract

    from .factories import ApplicationFactory

    settings.MEDIA_ROOT = tmp_path / "private"
    app = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.CONTRACT
    )
    prepare_signed_contract(application=app, staff=staff, bank_code="004", sign=False)
    return app
