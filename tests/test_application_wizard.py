"""The multi-step online application (issue 3): each step saves the draft, errors are shown next to
their field in Korean and nothing typed is lost; submission runs the screening."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import (
    Application,
    ApplicationDetails,
    AuditEntry,
    Membership,
    ScreeningResult,
    State,
)

from .conftest import text_of
from .factories import ApplicationFactory, MembershipFactory
from .online_application import (
    PDF,
    complete_details,
    file_required_documents,
    no_declarations,
    private_media,  # noqa: F401 (fixture)
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def step_url(application, step):
    return reverse("application_step", args=[application.pk, step])


def declarations_post(**applies):
    data = {f"declaration:{code}": "false" for code in no_declarations()}
    data.update({f"declaration:{code}": "true" for code, v in applies.items() if v})
    return data


def test_starting_the_online_form_opens_the_first_step(applicant_client, application):
    detail = text_of(applicant_client.get(reverse("application_detail", args=[application.pk])))
    assert "온라인 신청서 작성 시작" in detail
    response = applicant_client.post(reverse("application_start_online", args=[application.pk]))
    assert response.url == step_url(application, "eligibility")
    assert ApplicationDetails.objects.filter(application=application).exists()
    page = text_of(applicant_client.get(response.url))
    assert 'data-testid="wizard-progress"' in page
    assert 'aria-current="step"' in page and "1. 기관 유형·이용 자격" in page


def test_each_step_saves_to_the_draft_and_moves_on(applicant_client, application):
    response = applicant_client.post(
        step_url(application, "eligibility"),
        {
            "eligibility_basis": "fsc_industry",
            "industry": "programming",
            "industry_description": "웹 서비스 개발",
            "next": "1",
        },
    )
    assert response.url == step_url(application, "business")
    response = applicant_client.post(
        step_url(application, "services"),
        {"services_wanted": ["balance", "withdraw"], "has_sub_merchants": "false", "save": "1"},
    )
    assert response.url == step_url(application, "services")  # "임시 저장" stays on the step
    details = ApplicationDetails.objects.get(application=application)
    assert (details.eligibility_basis, details.industry) == ("fsc_industry", "programming")
    assert details.services_wanted == ["balance", "withdraw"]
    assert details.has_sub_merchants is False
    edited = AuditEntry.objects.filter(application=application, action="application.edited")
    assert edited.count() == 2


def test_bad_values_are_explained_next_to_the_field_and_valid_ones_are_saved(
    applicant_client, application
):
    response = applicant_client.post(
        step_url(application, "financials"),
        {
            "credit_rating": "ZZZ",
            "annual_revenue": "-5",
            "members": "12만",
            "business_years": "4",
            "aml_system": "true",
            "next": "1",
        },
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "입력값을 확인해 주세요" in page
    assert "올바르게 선택해 주세요" in page  # unknown credit rating (Django's Korean message)
    assert "0 이상" in page  # negative revenue
    assert "정수를 입력하세요" in page  # "12만" is not a number
    # what was typed is still in the form
    assert 'value="-5"' in page and 'value="12만"' in page and 'value="4"' in page
    # the valid fields were saved, the invalid ones not
    details = ApplicationDetails.objects.get(application=application)
    assert (details.business_years, details.aml_system) == (4, True)
    assert (details.annual_revenue, details.members, details.credit_rating) == (None, None, "")


def test_the_draft_survives_logout(member, application):
    client = Client()
    client.force_login(member.user)
    client.post(
        step_url(application, "business"),
        {
            "service_name": "새 이름",
            "service_description": "설명",
            "business_model": "구독 모델",
            "service_plan": "",
            "save": "1",
        },
    )
    client.logout()
    again = Client()
    again.force_login(member.user)
    page = text_of(again.get(step_url(application, "business")))
    assert "구독 모델" in page and 'value="새 이름"' in page


def test_declarations_are_asked_for_every_rule_of_the_rule_set_in_force(
    applicant_client, application
):
    page = text_of(applicant_client.get(step_url(application, "declarations")))
    assert "[제외대상] 대부업 (P2P 포함)" in page
    assert "[제외서비스] 출금대행 서비스" in page
    applicant_client.post(step_url(application, "declarations"), declarations_post(lending=True))
    declared = ApplicationDetails.objects.get(application=application).declarations
    assert declared["lending"] is True and declared["gambling"] is False
    assert set(declared) == set(no_declarations())


def test_review_lists_what_is_missing_and_refuses_submission(applicant_client, application):
    applicant_client.post(reverse("application_start_online", args=[application.pk]))
    page = text_of(applicant_client.get(step_url(application, "review")))
    assert "제출 전에 채워야 할 항목" in page
    for label in (
        "이용 자격 근거",
        "사업모델",
        "서류: 이용신청서",
        "서류: 서비스 계획서",
        "제외대상·제외서비스 확인",
    ):
        assert label in page
    response = applicant_client.post(
        reverse("application_transition", args=[application.pk, "submit"]), follow=True
    )
    assert "필수 항목이 비어 있습니다" in text_of(response)
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_a_complete_application_is_submitted_and_screened(applicant_client, application, member):
    complete_details(application, business_model="구독료와 P2P 대출 중개 수수료")
    file_required_documents(application, member.user)
    page = text_of(applicant_client.get(step_url(application, "review")))
    assert "필수 항목과 서류가 모두 갖춰졌습니다" in page
    applicant_client.post(reverse("application_transition", args=[application.pk, "submit"]))
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    result = ScreeningResult.objects.get(application=application)
    assert result.trigger == "submitted" and result.basis_found and result.flagged
    assert result.result["exclusion_hits"] == [
        {
            "rule": "exclusion.lending",
            "label": "대부업 (P2P 포함)",
            "source": "detected",
            "data": {"field": "business_model", "keywords": ["p2p"]},
        }
    ]
    # once submitted the steps are read-only
    response = applicant_client.post(
        step_url(application, "business"), {"business_model": "바꿈", "save": "1"}, follow=True
    )
    assert "보완 요청을 받았을 때만" in text_of(response)
    assert application.details.business_model == "구독료와 P2P 대출 중개 수수료"


def test_the_api_submission_is_screened_too(member, application):
    from rest_framework.test import APIClient

    complete_details(application)
    file_required_documents(application, member.user)
    api = APIClient()
    api.force_authenticate(member.user)
    assert (
        api.post(f"/api/v1/applications/{application.pk}/submit/", {}, format="json").status_code
        == 200
    )
    assert ScreeningResult.objects.filter(application=application, flagged=False).count() == 1


def test_steps_of_another_institution_are_not_found(other_client, application):
    for step in ("eligibility", "documents", "review"):
        assert other_client.get(step_url(application, step)).status_code == 404
    assert (
        other_client.post(step_url(application, "business"), {"business_model": "x"}).status_code
        == 404
    )
    assert Client().get(step_url(application, "eligibility")).status_code == 302
    assert not ApplicationDetails.objects.filter(application=application).exists()


def test_unknown_step_is_not_found(applicant_client, application):
    assert applicant_client.get(step_url(application, "nope")).status_code == 404


def test_a_viewer_member_can_read_but_not_save(application):
    viewer = MembershipFactory(institution=application.institution, role=Membership.Role.VIEWER)
    client = Client()
    client.force_login(viewer.user)
    assert client.get(step_url(application, "business")).status_code == 200
    response = client.post(
        step_url(application, "business"), {"business_model": "몰래"}, follow=True
    )
    assert "권한이 없습니다" in text_of(response)
    assert not ApplicationDetails.objects.filter(business_model="몰래").exists()


def test_a_second_application_for_the_same_institution_is_refused(applicant_client, application):
    response = applicant_client.post(
        reverse("application_create"),
        {
            "institution": application.institution.pk,
            "service_name": "또",
            "service_description": "x",
        },
    )
    assert "이미 진행 중인 이용신청이 있습니다" in text_of(response)
    assert 'value="또"' in text_of(response)
    assert Application.objects.filter(institution=application.institution).count() == 1


def test_uploading_through_the_documents_step_starts_the_online_form(applicant_client, application):
    applicant_client.post(
        step_url(application, "documents"),
        {"doc_type": "application_form", "file": upload("form.pdf", PDF)},
    )
    assert ApplicationDetails.objects.filter(application=application).exists()
    page = text_of(applicant_client.get(reverse("application_detail", args=[application.pk])))
    assert "form.pdf" in page and "아직 채우지 않은 항목" in page


@pytest.mark.parametrize(
    "step", ["eligibility", "declarations", "financials", "documents", "review"]
)
@pytest.mark.parametrize("size", [1, 6])
def test_step_pages_have_a_fixed_query_count(
    step, size, applicant_client, member, application, django_assert_num_queries
):
    complete_details(application)
    for _ in range(size):
        file_required_documents(application, member.user)
    for _ in range(size):
        ApplicationFactory(institution=MembershipFactory(user=member.user).institution)
    # Warm: the rule set in force and the header's unread-notice count are kept from here.
    applicant_client.get(step_url(application, step))
    budget = {"eligibility": 3, "declarations": 3, "financials": 3, "documents": 4, "review": 6}
    with django_assert_num_queries(budget[step]):
        assert applicant_client.get(step_url(application, step)).status_code == 200


def test_a_submitted_online_application_is_not_checked_for_missing_items(
    applicant_client, application, member, django_assert_max_num_queries
):
    # What is missing is shown (and worked out: the rule set and the documents) only while the
    # applicant can still fill it in.
    complete_details(application, service_plan="")
    file_required_documents(application, member.user)
    Application.objects.filter(pk=application.pk).update(state=State.SUBMITTED)
    url = reverse("application_detail", args=[application.pk])
    with django_assert_max_num_queries(7) as captured:
        page = text_of(applicant_client.get(url))
    assert "제출 전에 채워야 할 항목" not in page and "아직 채우지 않은 항목" not in page
    assert not any("screeningruleset" in q["sql"] for q in captured.captured_queries)
    Application.objects.filter(pk=application.pk).update(state=State.DRAFT)
    page = text_of(applicant_client.get(url))
    assert "제출 전에 채워야 할 항목" in page and "아직 채우지 않은 항목" in page
