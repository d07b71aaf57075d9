"""Issue 10 item 4 — requests and their answers reach the other side with a direct link: a
sub-merchant request reaches the staff who decide it, the decision reaches the institution; a new
monitoring warning reaches the staff who confirm it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import ApplicationDetails
from casework import tasks as casework_tasks
from contracts.models import Contract
from notifications.models import Category, Notice
from operations import submerchants, usage
from operations.models import SubMerchant

from .conftest import mfa_client, text_of
from .contract_support import *  # noqa: F403  (fixtures)
from .factories import ApplicationFactory, MembershipFactory, StaffFactory, valid_brn

pytestmark = pytest.mark.django_db


@pytest.fixture
def efinance(member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state="live"
    )
    ApplicationDetails.objects.create(application=application, eligibility_basis="efinance")
    return member.institution


def submit(client, institution):
    data = {
        "name": "동네서점",
        "business_registration_number": valid_brn(),
        "business_description": "도서 소매",
        **{f"check_{code}": "no" for code, _label in submerchants.self_check_items()},
    }
    return client.post(reverse("operations:sub_merchants", args=[institution.pk]), data)


def test_a_sub_merchant_request_reaches_the_deciding_staff_and_the_answer_the_members(
    applicant_client, member, efinance, staff, django_capture_on_commit_callbacks
):
    bystander = StaffFactory(with_role=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert submit(applicant_client, efinance).status_code == 302
    sub = SubMerchant.objects.get()
    request_notice = Notice.objects.get(category=Category.REQUEST_RECEIVED)
    assert request_notice.recipient == staff and request_notice.emailed
    assert request_notice.link == reverse("admin:operations_submerchant_change", args=[sub.pk])
    assert not Notice.objects.filter(recipient=bystander).exists()
    opened = mfa_client(staff).get(reverse("notifications:open", args=[request_notice.pk]))
    assert opened["Location"] == request_notice.link

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submerchants.decide(sub_merchant=sub, by=staff, approve=False, note="업종 확인 불가")
    answer = Notice.objects.get(recipient=member.user)
    assert answer.link == reverse("operations:sub_merchants", args=[efinance.pk])
    assert "업종 확인 불가" in answer.body
    assert any(member.user.email in m.to for m in mail.outbox)
    page = applicant_client.get(reverse("notifications:open", args=[answer.pk]), follow=True)
    assert "동네서점" in text_of(page)
    intruder = mfa_client(MembershipFactory().user)
    assert intruder.get(answer.link).status_code in (403, 404)


def test_a_new_monitoring_warning_reaches_the_staff_who_decide_it(
    staff, django_capture_on_commit_callbacks
):
    day = datetime.date(2026, 11, 20)
    application = ApplicationFactory(state="live")
    Contract.objects.create(application=application, daily_withdrawal_limit_krw=10)
    usage.import_rows(
        rows=[
            {
                "business_registration_number": application.institution.business_registration_number,
                "day": day.isoformat(),
                "api": "withdraw",
                "count": 1,
                "amount_krw": 10,
            }
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert casework_tasks.run_monitoring(day.isoformat()) == 1
    notice = Notice.objects.get(category=Category.MONITORING_WARNING)
    assert notice.recipient == staff
    assert notice.link.startswith("/admin/casework/monitoringwarning/")
    assert application.institution.name in notice.subject
    page = mfa_client(staff).get(reverse("notifications:open", args=[notice.pk]), follow=True)
    assert page.status_code == 200 and application.institution.name in text_of(page)
    # the institution hears nothing until staff confirm the notice
    assert not Notice.objects.filter(category=Category.MONITORING).exists()


def test_a_contract_change_request_and_its_rejection_reach_the_other_side(
    applicant_client, staff_client, member, staff, signed_app, django_capture_on_commit_callbacks
):
    from contracts import changes
    from contracts.models import ContractAccount, ContractChangeRequest

    old = ContractAccount.objects.get(contract__application=signed_app)
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            reverse("contract_change_request", args=[signed_app.pk]),
            {
                "account_number": "333-333-333333",
                "purpose": "settlement",
                "holder_name": "핀테크",
                "close": [str(old.pk)],
                "reason": "정산계좌 교체",
            },
        )
    assert response.status_code == 302
    change = ContractChangeRequest.objects.get()
    to_staff = Notice.objects.get(category=Category.REQUEST_RECEIVED, recipient=staff)
    assert to_staff.link == reverse(
        "admin:contracts_contractchangerequest_change", args=[change.pk]
    )
    opened = staff_client.get(reverse("notifications:open", args=[to_staff.pk]))
    assert opened["Location"] == to_staff.link

    with django_capture_on_commit_callbacks(execute=True):
        changes.reject_change(change=change, by=staff, note="예금주 불일치")
    answer = Notice.objects.get(recipient=member.user, category=Category.REVIEW_REQUEST)
    assert answer.link == reverse("contract_page", args=[signed_app.pk])
    assert "예금주 불일치" in answer.body and signed_app.reference in answer.subject
    assert applicant_client.get(answer.link).status_code == 200
