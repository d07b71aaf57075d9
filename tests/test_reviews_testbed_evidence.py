"""The functional-test checklist shows, per function, the testbed calls made for it; staff pass from it."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import State
from reviews.models import FunctionalTestRound, ItemResult
from testbed import testing as tb
from testbed.models import SimAccount, SimUser
from testbed.synthetic import ensure_seeded

from .conftest import text_of
from .factories import ApplicationFactory
from .reviews_support import admin_action, admin_check_items, file_functional_test

pytestmark = pytest.mark.django_db


def test_checklist_shows_testbed_evidence_and_staff_pass_from_it(
    member, applicant_client, staff_client
):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )
    key = tb.issue_key(applicant_client, application.institution_id)
    ensure_seeded(key.institution_id)
    user = SimUser.objects.filter(institution_id=key.institution_id).order_by("user_seq_no")[0]
    account = SimAccount.objects.filter(user=user).order_by("pk")[0]
    api = Client()
    token = tb.user_token(applicant_client, api, key, user_seq_no=user.user_seq_no)["access_token"]
    tran_ids = []
    for _ in range(3):
        _, body = tb.call(
            api,
            token,
            "GET",
            "/v2.0/account/balance/fin_num",
            {
                "bank_tran_id": tb.bank_tran_id(key.institution_id),
                "fintech_use_num": account.fintech_use_num,
                "tran_dtime": tb.tran_dtime(),
            },
        )
        assert body["rsp_code"] == "A0000"
        tran_ids.append(body["api_tran_id"])

    file_functional_test(
        applicant_client, application, {"balance": "메인 화면 잔액 표시", "withdraw": "간편송금"}
    )
    application.refresh_from_db()
    assert application.state == State.FUNCTIONAL_TEST
    round_ = FunctionalTestRound.objects.get(application=application)

    page = text_of(
        staff_client.get(reverse("admin:reviews_functionaltestround_change", args=[round_.pk]))
    )
    assert "테스트베드 호출 3건" in page
    assert tran_ids[-1] in page
    assert 'data-testid="evidence-balance"' in page
    assert "테스트베드 호출 기록이 없습니다" in page  # withdraw: no call made yet

    admin_check_items(
        staff_client,
        round_,
        {
            "balance": (ItemResult.PASSED, "테스트베드 증빙 3건 확인"),
            "withdraw": (ItemResult.PASSED, "시연 확인"),
        },
    )
    admin_action(staff_client, "functionaltestround", "pass_selected", [round_])
    application.refresh_from_db()
    assert application.state == State.SECURITY_CHECK
