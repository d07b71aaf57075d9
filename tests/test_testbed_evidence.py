"""The functional test's evidence (DOMAIN §2 step 2): every testbed call is logged per institution
and API, and `evidence_for` / `_evidence.html` show the last successful calls and the error rate."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from testbed import testing as tb
from testbed.evidence import evidence_for, evidence_for_many, render_evidence
from testbed.models import SimAccount, SimUser, TestbedCall
from testbed.synthetic import ensure_seeded
from tests.conftest import text_of
from tests.factories import ApplicationFactory, InstitutionFactory


@pytest.fixture
def approved(member):
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state="functional_test"
    )


@pytest.fixture
def key(approved, applicant_client):
    return tb.issue_key(applicant_client, approved.institution_id)


@pytest.fixture
def api():
    return Client()


def test_calls_made_in_the_test_become_the_evidence(key, applicant_client, api):
    ensure_seeded(key.institution_id)
    user = SimUser.objects.filter(institution_id=key.institution_id).order_by("user_seq_no")[0]
    account = SimAccount.objects.filter(user=user).order_by("pk")[0]
    token = tb.user_token(applicant_client, api, key, user_seq_no=user.user_seq_no)["access_token"]
    good = []
    for _ in range(4):
        bank_tran_id = tb.bank_tran_id(key.institution_id)
        _, body = tb.call(
            api,
            token,
            "GET",
            "/v2.0/account/balance/fin_num",
            {
                "bank_tran_id": bank_tran_id,
                "fintech_use_num": account.fintech_use_num,
                "tran_dtime": tb.tran_dtime(),
            },
        )
        assert body["rsp_code"] == "A0000"
        good.append((body["api_tran_id"], bank_tran_id))
    _, by_number = tb.call(
        api,
        token,
        "POST",
        "/v2.0/account/balance/acnt_num",
        {"bank_tran_id": tb.bank_tran_id(key.institution_id), "tran_dtime": "bad"},
    )
    assert by_number["rsp_code"] == "A0003"

    evidence = evidence_for(key.institution_id, "balance")
    assert (evidence.total, evidence.errors) == (5, 1)
    assert evidence.error_rate == pytest.approx(0.2)
    assert evidence["error_rate"] == evidence.error_rate
    assert [(c.api_tran_id, c.bank_tran_id) for c in evidence.last_success_calls] == list(
        reversed(good[1:])
    )
    assert {c.endpoint for c in TestbedCall.objects.filter(api_code="balance")} == {
        "/v2.0/account/balance/fin_num",
        "/v2.0/account/balance/acnt_num",
    }

    html = render_to_string("testbed/_evidence.html", {"evidence": evidence})
    assert "테스트베드 호출 5건" in html
    assert "20%" in html
    for api_tran_id, bank_tran_id in good[1:]:
        assert api_tran_id in html and bank_tran_id in html
    assert good[0][0] not in html

    page = text_of(applicant_client.get("/testbed/keys/"))
    assert good[-1][0] in page


def test_no_calls_no_evidence(key):
    evidence = evidence_for(key.institution_id, "withdraw")
    assert (evidence.total, evidence.error_rate, evidence.last_success_calls) == (0, 0.0, [])
    html = render_evidence(evidence)
    assert "테스트베드 호출 기록이 없습니다." in html


def test_only_errors_show_that_nothing_succeeded_yet(key, api):
    token = tb.oob_token(api, key)["access_token"]
    for _ in range(2):
        tb.call(api, token, "POST", "/v2.0/inquiry/real_name", {"bank_tran_id": "x"})
    evidence = evidence_for(key.institution_id, "real_name")
    assert (evidence.total, evidence.error_percent) == (2, 100)
    html = render_to_string("testbed/_evidence.html", {"evidence": evidence})
    assert "성공한 호출이 아직 없습니다." in html


def test_evidence_is_per_institution(key, api):
    token = tb.oob_token(api, key)["access_token"]
    tb.call(api, token, "GET", "/v2.0/bank/status")
    other = InstitutionFactory()
    assert evidence_for(other.pk, "bank_status").total == 0
    assert evidence_for(key.institution_id, "bank_status").total == 1


def test_the_token_and_authorize_steps_have_evidence_too(key, api):
    tb.oob_token(api, key)
    evidence = evidence_for(key.institution_id, "oauth_token")
    assert (evidence.total, evidence.errors) == (1, 0)


def test_evidence_for_a_whole_checklist_takes_two_queries(key, django_assert_num_queries):
    institution_id = key.institution_id
    now = timezone.now()
    TestbedCall.objects.bulk_create(
        TestbedCall(
            institution_id=institution_id,
            api_code=code,
            endpoint=f"/v2.0/{code}",
            api_tran_id=f"T{n:019d}",
            at=now - datetime.timedelta(seconds=n),
            rsp_code="A0000" if n % 3 else "A0003",
            http_status=200,
        )
        for n in range(60)
        for code in ("balance", "withdraw", "deposit")
    )
    with django_assert_num_queries(2):
        evidence = evidence_for_many(
            institution_id, ["balance", "withdraw", "deposit", "real_name"]
        )
        shown = {code: [c.at for c in e.last_success_calls] for code, e in evidence.items()}
    assert evidence["balance"].total == 60
    assert evidence["balance"].errors == 20
    assert len(shown["balance"]) == 3
    assert shown["balance"] == sorted(shown["balance"], reverse=True)
    assert evidence["real_name"].total == 0


def test_staff_read_the_call_log_in_the_admin_but_cannot_change_it(key, api, staff_client):
    token = tb.oob_token(api, key)["access_token"]
    tb.call(api, token, "GET", "/v2.0/bank/status")
    page = staff_client.get("/admin/testbed/testbedcall/")
    assert page.status_code == 200
    assert "bank_status" in text_of(page)
    call = TestbedCall.objects.get(api_code="bank_status")
    assert staff_client.post(f"/admin/testbed/testbedcall/{call.pk}/delete/").status_code == 403
    assert TestbedCall.objects.filter(pk=call.pk).exists()


def test_every_function_of_the_checklist_has_testbed_evidence():
    """The checklist's function codes (reviews) are the codes the testbed logs calls under."""
    from reviews.api_catalogue import API_CATALOGUE
    from testbed.catalogue import API_NAMES

    assert {api.code for api in API_CATALOGUE} == set(API_NAMES)
