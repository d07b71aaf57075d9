"""DOMAIN §8 — the sub-merchant gate, the self-check and screening, prior approval, the export."""

import pytest
from django.urls import reverse

from applications.models import ApplicationDetails, AuditEntry
from operations import submerchants
from operations.models import SubMerchant
from operations.views import SUB_MERCHANTS_PER_PAGE as PER_PAGE

from .conftest import text_of
from .factories import ApplicationFactory, valid_brn


def all_clear() -> dict:
    return {code: False for code, _label in submerchants.self_check_items()}


def form_data(**overrides) -> dict:
    data = {
        "name": "동네서점",
        "business_registration_number": valid_brn(),
        "business_description": "도서 소매",
        **{f"check_{code}": "no" for code, _label in submerchants.self_check_items()},
    }
    data.update(overrides)
    return data


@pytest.fixture
def efinance(member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state="live"
    )
    ApplicationDetails.objects.create(application=application, eligibility_basis="efinance")
    return member.institution


@pytest.fixture
def fintech_by_industry(member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state="live"
    )
    ApplicationDetails.objects.create(
        application=application, eligibility_basis="fsc_industry", industry="programming"
    )
    return member.institution


def sub_url(institution):
    return reverse("operations:sub_merchants", args=[institution.pk])


def test_an_efinance_institution_submits_a_sub_merchant_for_approval(applicant_client, efinance):
    response = applicant_client.post(sub_url(efinance), form_data(), follow=True)
    assert "센터 승인을 요청했습니다" in text_of(response)
    sub = SubMerchant.objects.get()
    assert (sub.status, sub.flagged, sub.self_check_clear) == ("submitted", False, True)
    assert set(sub.self_check) == {code for code, _ in submerchants.self_check_items()}
    assert AuditEntry.objects.filter(action="sub_merchant.submitted").exists()


def test_an_institution_that_is_not_a_financial_company_may_not_register(
    applicant_client, fintech_by_industry, member
):
    page = applicant_client.get(sub_url(fintech_by_industry))
    assert 'id="not-allowed"' in text_of(page)
    with pytest.raises(submerchants.SubMerchantRefused):
        submerchants.submit_sub_merchant(
            institution=fintech_by_industry,
            by=member.user,
            name="x",
            business_registration_number=valid_brn(),
            business_description="도서",
            self_check=all_clear(),
        )
    response = applicant_client.post(
        "/api/v1/sub-merchants/",
        {
            "institution": fintech_by_industry.pk,
            "name": "x",
            "business_registration_number": valid_brn(),
            "business_description": "도서",
            "self_check": all_clear(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "sub_merchant_refused"
    assert not SubMerchant.objects.exists()


def test_a_sub_merchant_declared_excluded_is_refused(applicant_client, efinance):
    response = applicant_client.post(sub_url(efinance), form_data(check_lending="yes"))
    assert "제외대상·제외서비스에 해당하는 하위사업자는 등록할 수 없습니다" in text_of(response)
    assert not SubMerchant.objects.exists()


def test_a_failed_submission_keeps_what_was_typed_and_answered(applicant_client, efinance):
    first, second = (code for code, _label in submerchants.self_check_items()[:2])
    data = form_data(name="동네서점 <본점>", **{f"check_{second}": "unsure"})
    del data[f"check_{first}"]
    page = applicant_client.post(sub_url(efinance), data)
    assert page.status_code == 200 and not SubMerchant.objects.exists()
    body = page.content.decode()
    assert 'value="동네서점 &lt;본점&gt;"' in body
    assert (
        f'name="check_{second}" value="unsure" required id="id_check_{second}_2" checked>'
    ) in body
    assert f'name="check_{second}" value="no" required id="id_check_{second}_0">' in body
    # The unanswered question is marked for the reader and for assistive technology.
    assert f'<fieldset class="field has-error" id="id_check_{first}">' in body
    assert f'value="no" required id="id_check_{first}_0" aria-invalid="true">' in body
    assert body.count('role="alert"') == 1


def test_screening_flags_an_excluded_business_for_staff(applicant_client, efinance):
    applicant_client.post(sub_url(efinance), form_data(business_description="P2P 대부중개 플랫폼"))
    sub = SubMerchant.objects.get()
    assert sub.flagged
    assert {h["rule"] for h in sub.screening["hits"]} == {"exclusion.lending"}


def test_an_unsure_self_check_goes_to_the_centre_flagged(applicant_client, efinance):
    applicant_client.post(sub_url(efinance), form_data(check_consumer_harm="unsure"))
    sub = SubMerchant.objects.get()
    assert (sub.flagged, sub.self_check_clear) == (True, False)
    assert sub.screening["unsure"] == ["consumer_harm"]


def test_the_same_business_number_twice_is_refused(applicant_client, efinance):
    data = form_data()
    applicant_client.post(sub_url(efinance), data)
    response = applicant_client.post(sub_url(efinance), data)
    assert "이미 등록(또는 승인 대기 중)된 하위사업자입니다" in text_of(response)


def test_staff_approve_and_only_approved_ones_are_exported(
    applicant_client, efinance, staff_client
):
    for name in ("가게A", "가게B"):
        applicant_client.post(sub_url(efinance), form_data(name=name))
    a, b = SubMerchant.objects.order_by("name")
    staff_client.post(
        reverse("admin:operations_submerchant_decide", args=[a.pk, "approve"]), {"reason": ""}
    )
    rejected = staff_client.post(
        reverse("admin:operations_submerchant_decide", args=[b.pk, "reject"]), {"reason": ""}
    )
    assert "반려 사유를 입력하세요." in text_of(rejected)
    staff_client.post(
        reverse("admin:operations_submerchant_decide", args=[b.pk, "reject"]),
        {"reason": "업종 불명확"},
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("approved", "rejected")
    export = applicant_client.get(reverse("operations:sub_merchants_export", args=[efinance.pk]))
    body = export.content.decode("utf-8-sig")
    assert "가게A" in body and "가게B" not in body
    assert a.business_registration_number in body


def test_another_institution_cannot_see_or_export(other_client, efinance):
    assert other_client.get(sub_url(efinance)).status_code == 404
    export = reverse("operations:sub_merchants_export", args=[efinance.pk])
    assert other_client.get(export).status_code == 404


def test_anonymous_is_sent_to_login(client, efinance):
    assert client.get(sub_url(efinance)).status_code == 302


def test_api_submission_and_scoped_listing(applicant_client, efinance, other_client):
    response = applicant_client.post(
        "/api/v1/sub-merchants/",
        {
            "institution": efinance.pk,
            "name": "API가게",
            "business_registration_number": valid_brn(),
            "business_description": "카페",
            "self_check": all_clear(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    listed = other_client.get("/api/v1/sub-merchants/").json()
    results = listed["results"] if isinstance(listed, dict) else listed
    assert results == []


@pytest.mark.parametrize("existing", [1, 15])
def test_sub_merchant_page_query_count_does_not_grow(
    applicant_client, efinance, member, existing, django_assert_num_queries
):
    SubMerchant.objects.bulk_create(
        [
            SubMerchant(
                institution=efinance,
                name=f"가게{k}",
                business_registration_number=valid_brn(),
                business_description="소매",
                submitted_by=member.user,
            )
            for k in range(existing)
        ]
    )
    with django_assert_num_queries(8):  # incl. the header's unread-notice count, the page count
        response = applicant_client.get(sub_url(efinance))
    assert text_of(response).count("승인 대기") == existing


def test_the_list_is_paged_newest_first(applicant_client, efinance, member):
    for k in range(PER_PAGE + 1):
        SubMerchant.objects.create(
            institution=efinance,
            name=f"가게{k:03d}",
            business_registration_number=valid_brn(),
            business_description="소매",
            submitted_by=member.user,
        )
    first = text_of(applicant_client.get(sub_url(efinance)))
    assert first.count("승인 대기") == PER_PAGE and f"가게{PER_PAGE:03d}" in first
    assert "가게000" not in first and "1 / 2 쪽" in first
    second = text_of(applicant_client.get(sub_url(efinance) + "?page=2"))
    assert second.count("승인 대기") == 1 and "가게000" in second
    # a page beyond the last shows the last, never an error
    assert "가게000" in text_of(applicant_client.get(sub_url(efinance) + "?page=99"))


def test_staff_export_the_approved_list_from_the_admin(applicant_client, efinance, staff):
    for name in ("가게A", "가게B"):
        applicant_client.post(sub_url(efinance), form_data(name=name))
    a, b = SubMerchant.objects.order_by("name")
    submerchants.decide(sub_merchant=a, by=staff, approve=True)
    from .conftest import mfa_client

    client = mfa_client(staff)
    response = client.post(
        reverse("admin:operations_submerchant_changelist"),
        {"action": "export_approved", "_selected_action": [a.pk, b.pk]},
    )
    body = response.content.decode("utf-8-sig")
    assert efinance.name in body and "가게A" in body and "가게B" not in body
