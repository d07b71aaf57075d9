"""DOMAIN §5 — after signing, a change of contract accounts is a contract change (계약변경),
effective 2 Korean business days after the centre approves it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import AuditEntry
from contracts import changes
from contracts.models import ContractAccount, ContractChangeRequest, ContractDocument
from contracts.tasks import apply_contract_changes
from openbanking_portal.errors import PortalError
from policies.calendar import BusinessCalendar

from .conftest import text_of
from .contract_support import *  # noqa: F403  (fixtures)


def request_change(client, app, **data):
    return client.post(reverse("contract_change_request", args=[app.pk]), data)


def test_effective_date_skips_weekends_and_chuseok():
    calendar = BusinessCalendar()
    # Wed 2026-09-23 → Thu/Fri Chuseok holidays, weekend → Mon 28 (1), Tue 29 (2)
    assert changes.effective_date(datetime.date(2026, 9, 23), calendar) == datetime.date(
        2026, 9, 29
    )
    # Thu → Fri (1), Mon (2)
    assert changes.effective_date(datetime.date(2026, 11, 26), calendar) == datetime.date(
        2026, 11, 30
    )


def test_after_signing_accounts_cannot_be_added_directly(applicant_client, signed_app):
    response = applicant_client.post(
        reverse("contract_account_add", args=[signed_app.pk]),
        {"account_number": "333-333-333333", "purpose": "settlement"},
    )
    assert response.status_code == 400
    assert "계약변경" in text_of(response)
    assert ContractAccount.objects.active().count() == 1


def test_change_request_approval_and_application_two_business_days_later(
    applicant_client, staff_client, signed_app, django_capture_on_commit_callbacks
):
    old = ContractAccount.objects.get()
    response = request_change(
        applicant_client,
        signed_app,
        account_number="333-333-333333",
        purpose="settlement",
        holder_name="핀테크",
        close=[str(old.pk)],
        reason="정산계좌 교체",
    )
    assert response.status_code == 302
    change = ContractChangeRequest.objects.get()
    assert change.status == "requested"
    assert change.changes == {
        "add": [
            {"account_number": "333333333333", "purpose": "settlement", "holder_name": "핀테크"}
        ],
        "close": [old.pk],
    }
    assert "변경 요청" in text_of(
        applicant_client.get(reverse("contract_page", args=[signed_app.pk]))
    )

    staff_client.post(
        reverse("admin:contracts_contractchangerequest_changelist"),
        {"action": "approve", "_selected_action": [change.pk]},
    )
    change.refresh_from_db()
    today = timezone.localdate()
    assert change.status == "approved"
    assert change.effective_on == BusinessCalendar.current().add_business_days(today, 2)
    assert change.effective_on >= today + datetime.timedelta(days=2)

    # Before the effective date nothing changes.
    assert changes.apply_due_changes(today=change.effective_on - datetime.timedelta(days=1)) == []
    assert ContractAccount.objects.active().get() == old

    # On the effective date the beat task applies it and issues contract version 2.
    ContractChangeRequest.objects.filter(pk=change.pk).update(effective_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        assert apply_contract_changes.delay().get() == [change.pk]
    change.refresh_from_db()
    assert change.status == "applied" and change.applied_at is not None
    active = ContractAccount.objects.active().get()
    assert active.account_number == "333333333333" and active.bank == old.bank
    assert ContractAccount.objects.get(pk=old.pk).closed_at is not None
    docs = ContractDocument.objects.order_by("version")
    assert [d.version for d in docs] == [1, 2]
    assert docs[1].reason == f"계약변경 #{change.pk}" and docs[1].is_ready
    assert docs[0].data["accounts"][0]["number"].endswith(old.account_number[-4:])
    assert docs[1].data["accounts"][0]["number"].endswith("3333")
    assert AuditEntry.objects.filter(action="contract.account_changed").count() == 1
    # Running the task again is harmless.
    assert apply_contract_changes.delay().get() == []
    assert ContractDocument.objects.count() == 2


def test_reject_needs_a_note_and_then_nothing_changes(staff, signed_app, member):
    change = changes.request_account_change(
        application=signed_app,
        by=member.user,
        add=[{"account_number": "444-444-444444", "purpose": "fee_payment"}],
        reason="추가",
    )
    with pytest.raises(PortalError):
        changes.reject_change(change=change, by=staff, note=" ")
    changes.reject_change(change=change, by=staff, note="서류 미비")
    with pytest.raises(PortalError, match="이미 처리된"):
        changes.approve_change(change=change, by=staff)
    assert changes.apply_due_changes(today=timezone.localdate() + datetime.timedelta(days=30)) == []
    assert ContractAccount.objects.active().count() == 1


def test_change_request_is_checked_like_a_new_account(applicant_client, signed_app):
    existing = ContractAccount.objects.get()
    response = request_change(
        applicant_client,
        signed_app,
        account_number=existing.account_number,
        purpose="settlement",
        reason="중복",
    )
    assert response.status_code == 400 and "이미 등록된" in text_of(response)
    response = request_change(
        applicant_client, signed_app, account_number="12-3", purpose="settlement", reason="x"
    )
    assert response.status_code == 400 and "10~16자리" in text_of(response)
    response = request_change(applicant_client, signed_app, close=["999999"], reason="x")
    assert response.status_code == 400 and "해당 약정계좌가 없습니다" in text_of(response)
    assert not ContractChangeRequest.objects.exists()


def test_applicants_cannot_approve_and_others_cannot_request(member, other_client, signed_app):
    change = changes.request_account_change(
        application=signed_app,
        by=member.user,
        add=[{"account_number": "444-444-444444", "purpose": "fee_payment"}],
    )
    with pytest.raises(PortalError):
        changes.approve_change(change=change, by=member.user)
    response = request_change(
        other_client, signed_app, account_number="555-555-555555", purpose="settlement", reason="x"
    )
    assert response.status_code == 404
    assert ContractChangeRequest.objects.count() == 1


def test_no_change_request_before_signing(member, contract_app):
    with pytest.raises(PortalError, match="계약 체결 전"):
        changes.request_account_change(
            application=contract_app,
            by=member.user,
            add=[{"account_number": "444-444-444444", "purpose": "fee_payment"}],
        )


def test_a_change_that_no_longer_fits_fails_alone_and_the_others_apply(staff, member, signed_app):
    today = timezone.localdate()
    first = changes.request_account_change(
        application=signed_app,
        by=member.user,
        add=[{"account_number": "888-888-888888", "purpose": "settlement"}],
    )
    second = changes.request_account_change(
        application=signed_app,
        by=member.user,
        add=[{"account_number": "888-888-888888", "purpose": "fee_payment"}],
    )
    for change in (first, second):
        changes.approve_change(change=change, by=staff)
    ContractChangeRequest.objects.update(effective_on=today)
    assert changes.apply_due_changes(today=today) == [first.pk]
    second.refresh_from_db()
    assert second.status == "rejected" and "이미 등록된" in second.decision_note
    assert AuditEntry.objects.filter(action="contract.change_failed").count() == 1
    assert ContractAccount.objects.filter(account_number="888888888888").count() == 1
