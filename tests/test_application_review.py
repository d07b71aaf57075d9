"""Step 1 decisions (issue 3): the review queue, the review page, approve / reject citing a rule,
and a supplement round trip in which the applicant redoes exactly the requested items."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationDetails,
    AuditEntry,
    Document,
    ScreeningResult,
    State,
    SupplementRequest,
)
from applications.review_queue import age_of
from policies.calendar import BusinessCalendar
from tests.mailbox import each_to_one_address, messages_to

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, InstitutionFactory, MembershipFactory, StaffFactory
from .online_application import (
    DOCX,
    PDF,
    complete_details,
    file_required_documents,
    private_media,  # noqa: F401 (fixture)
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

KST = datetime.timezone(datetime.timedelta(hours=9))


@pytest.fixture
def submitted(applicant_client, application, member, django_capture_on_commit_callbacks):
    complete_details(application, business_model="가계부 구독과 온라인 카지노 제휴 광고")
    file_required_documents(application, member.user)
    with django_capture_on_commit_callbacks(execute=True):
        applicant_client.post(reverse("application_transition", args=[application.pk, "submit"]))
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    mail.outbox.clear()
    return application


def review_url(application):
    return reverse("admin:applications_reviewqueueitem_change", args=[application.pk])


def test_review_page_shows_screening_details_and_documents_inline(staff_client, submitted):
    page = text_of(staff_client.get(review_url(submitted)))
    assert "이용승인 심사" in page
    assert "exclusion.gambling" in page and "카지노" in page and "내용에서 발견" in page
    assert "basis.fsc_industry" in page
    assert "자동 심사는 판단하지 않고 표시만 합니다" in page
    assert "가계부 구독과 온라인 카지노 제휴 광고" in page  # the business model as filed
    docs = Document.objects.filter(application=submitted)
    for doc in docs:
        url = reverse("document_download", args=[submitted.pk, doc.pk])
        assert f'<iframe class="viewer" src="{url}"' in page
        response = staff_client.get(url)  # the viewer's source is served to staff, framable
        assert response["X-Frame-Options"] == "SAMEORIGIN"
    for name in ("approve", "reject", "request_supplement"):
        assert f'data-transition="{name}"' in page


def test_staff_approve_with_reason_and_the_applicant_is_told(
    staff_client, submitted, django_capture_on_commit_callbacks
):
    url = reverse("admin:applications_application_transition", args=[submitted.pk, "approve"])
    refused = staff_client.post(url, {"reason": ""})
    assert "사유를 입력해야 합니다" in text_of(refused)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"reason": "적격 — 응용 소프트웨어 개발업, 광고는 제외대상 아님"}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert each_to_one_address() and all("이용 승인" in m.subject for m in mail.outbox)
    (message,) = messages_to(submitted.created_by.email)
    assert "광고는 제외대상 아님" in message.body


def test_reject_preselects_and_cites_the_rule_that_was_hit(
    staff_client, submitted, django_capture_on_commit_callbacks
):
    url = reverse("admin:applications_application_transition", args=[submitted.pk, "reject"])
    form = text_of(staff_client.get(url))
    assert '<option value="exclusion.gambling" selected>' in form
    assert '<option value="excluded_service.withdrawal_agency">' in form
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"rule": "exclusion.gambling", "reason": "카지노 제휴가 주 수익원"})
    submitted.refresh_from_db()
    assert submitted.state == State.REJECTED
    entry = AuditEntry.objects.get(application=submitted, action="application.rejected")
    assert entry.reason.startswith("[exclusion.gambling] 사행행위기업")
    assert "카지노 제휴가 주 수익원" in entry.reason
    assert "[exclusion.gambling]" in mail.outbox[0].body


def test_supplement_round_trip_edits_exactly_the_requested_items(
    staff_client, applicant_client, submitted, django_capture_on_commit_callbacks
):
    supplement_url = reverse("admin:applications_application_supplement", args=[submitted.pk])
    # the transition button leads to the page that names items
    button = reverse(
        "admin:applications_application_transition", args=[submitted.pk, "request_supplement"]
    )
    assert staff_client.get(button).url == supplement_url
    empty = staff_client.post(supplement_url, {"message": "보완하세요"})
    assert "보완할 항목을 하나 이상 고르세요" in text_of(empty)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            supplement_url,
            {
                "items": ["business_model", "document:service_plan"],
                "message": "사업모델에서 카지노 제휴를 설명하고 계획서를 다시 내세요.",
            },
        )
    submitted.refresh_from_db()
    assert submitted.state == State.SUPPLEMENT_REQUESTED
    request = SupplementRequest.objects.get(application=submitted)
    assert request.items == ["business_model", "document:service_plan"]
    assert "사업모델 · 서비스 계획서" not in mail.outbox[0].body
    assert "사업모델·서비스 계획 — 사업모델" in mail.outbox[0].body  # the e-mail lists the items

    # the applicant sees exactly those items
    status = text_of(applicant_client.get(reverse("application_detail", args=[submitted.pk])))
    assert "사업모델에서 카지노 제휴를 설명하고" in status
    assert "사업모델·서비스 계획 — 사업모델" in status
    assert "제출 서류 — 서비스 계획서" in status
    assert "제출 서류 — 이용신청서" not in status

    # only the requested field can change; the others are disabled and ignored
    step = reverse("application_step", args=[submitted.pk, "business"])
    page = text_of(applicant_client.get(step))
    assert 'name="business_model"' in page and 'name="service_plan"' in page
    assert 'name="service_plan" cols="40" rows="5" data-required="true" disabled' in page
    applicant_client.post(
        step,
        {
            "business_model": "가계부 구독 (제휴 광고 종료)",
            "service_plan": "몰래 바꿈",
            "save": "1",
        },
    )
    details = ApplicationDetails.objects.get(application=submitted)
    assert details.business_model == "가계부 구독 (제휴 광고 종료)"
    assert details.service_plan != "몰래 바꿈"
    # only the requested document type can be filed again
    documents = reverse("application_step", args=[submitted.pk, "documents"])
    refused = applicant_client.post(
        documents, {"doc_type": "application_form", "file": upload("x.pdf", PDF)}
    )
    assert "지금 제출할 수 없는 서류 종류" in text_of(refused)
    applicant_client.post(
        documents, {"doc_type": "service_plan", "file": upload("plan2.docx", DOCX)}
    )
    assert (
        Document.objects.current().get(application=submitted, doc_type="service_plan").version == 2
    )

    with django_capture_on_commit_callbacks(execute=True):
        applicant_client.post(reverse("application_transition", args=[submitted.pk, "resubmit"]))
    submitted.refresh_from_db()
    assert submitted.state == State.RESUBMITTED
    assert SupplementRequest.objects.get().resolved_at is not None
    screenings = ScreeningResult.objects.filter(application=submitted).order_by("ran_at", "pk")
    assert [s.trigger for s in screenings] == ["submitted", "resubmitted"]
    assert not any(
        h["rule"] == "exclusion.gambling" for h in screenings[1].result["exclusion_hits"]
    )

    # back in the queue; staff approve
    queue = text_of(staff_client.get(reverse("admin:applications_reviewqueueitem_changelist")))
    assert submitted.reference in queue
    staff_client.post(
        reverse("admin:applications_application_transition", args=[submitted.pk, "approve"]),
        {"reason": "보완 확인, 적격"},
    )
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    review = text_of(staff_client.get(review_url(submitted)))
    assert "보완 요청 이력" in review


def test_staff_without_decision_permission_cannot_request_a_supplement(submitted):
    clerk = StaffFactory(with_role=False)
    from django.contrib.auth.models import Permission

    clerk.user_permissions.add(
        Permission.objects.get(content_type__app_label="applications", codename="view_application")
    )
    client = mfa_client(clerk)
    response = client.post(
        reverse("admin:applications_application_supplement", args=[submitted.pk]),
        {"items": ["business_model"], "message": "x"},
        follow=True,
    )
    assert "권한이 없습니다" in text_of(response)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_applicants_and_anonymous_never_reach_the_review_pages(applicant_client, submitted):
    for url in (
        review_url(submitted),
        reverse("admin:applications_reviewqueueitem_changelist"),
        reverse("admin:applications_application_supplement", args=[submitted.pk]),
        reverse("admin:applications_application_statistics"),
    ):
        assert applicant_client.get(url).status_code in (302, 403)
        assert Client().get(url).status_code == 302


# --- the queue ------------------------------------------------------------------------------------


def test_queue_lists_waiting_applications_oldest_first_with_business_day_age(staff_client):
    now = timezone.now()
    old = ApplicationFactory(state=State.SUBMITTED, service_name="오래된 신청")
    fresh = ApplicationFactory(state=State.RESUBMITTED, service_name="새 신청")
    ApplicationFactory(state=State.DRAFT, service_name="작성 중 신청")
    ApplicationFactory(state=State.APPROVED, service_name="승인된 신청")
    Application.objects.filter(pk=old.pk).update(state_changed_at=now - datetime.timedelta(days=30))
    Application.objects.filter(pk=fresh.pk).update(state_changed_at=now)
    page = text_of(staff_client.get(reverse("admin:applications_reviewqueueitem_changelist")))
    assert page.index("오래된 신청") < page.index("새 신청")
    assert "작성 중 신청" not in page and "승인된 신청" not in page
    assert 'class="overdue"' in page and "(초과)" in page
    assert "0 / 5" in page  # submitted today: no business day has passed, target 5
    assert "목표: 5 영업일" in page


@pytest.mark.parametrize(
    "submitted_on,today,age",
    [
        (datetime.date(2026, 2, 27), datetime.date(2026, 3, 6), 4),  # 3·1절 대체공휴일 3/2
        (datetime.date(2026, 2, 13), datetime.date(2026, 2, 20), 2),  # 설날 2/16–18
        (datetime.date(2026, 9, 23), datetime.date(2026, 9, 30), 3),  # 추석 9/24–26 (Thu–Sat)
        (datetime.date(2026, 11, 20), datetime.date(2026, 11, 27), 5),  # an ordinary week
        (datetime.date(2026, 11, 21), datetime.date(2026, 11, 22), 0),  # a weekend
    ],
)
def test_queue_age_counts_korean_business_days(submitted_on, today, age):
    waiting_since = datetime.datetime.combine(submitted_on, datetime.time(15, 0), KST)
    result = age_of(waiting_since, today=today, calendar=BusinessCalendar(), target=5)
    assert result.business_days == age
    assert result.overdue is (age > 5)


def test_the_target_is_a_policy_value(staff_client):
    from policies.models import PolicyVersion

    PolicyVersion.objects.create(
        kind="review_targets",
        effective_from=timezone.localdate() - datetime.timedelta(days=1),
        data={"approval_business_days": 3},
    )
    ApplicationFactory(state=State.SUBMITTED)
    page = text_of(staff_client.get(reverse("admin:applications_reviewqueueitem_changelist")))
    assert "목표: 3 영업일" in page and "0 / 3" in page


@pytest.mark.parametrize("size", [1, 6])
def test_queue_and_review_page_have_a_fixed_query_count(
    size, staff_client, member, django_assert_num_queries
):
    from django.contrib.contenttypes.models import ContentType

    apps = []
    for _ in range(size):
        m = MembershipFactory()
        app = ApplicationFactory(institution=m.institution, created_by=m.user)
        complete_details(app)
        file_required_documents(app, m.user)
        Application.objects.filter(pk=app.pk).update(state=State.SUBMITTED)
        from applications.screening import run_screening

        run_screening(application=app, trigger="submitted")
        apps.append(app)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(12):  # + the state histories for the age (one prefetch)
        staff_client.get(reverse("admin:applications_reviewqueueitem_changelist"))
    with django_assert_num_queries(7):  # the permissions and the rule set kept since the queue
        staff_client.get(review_url(apps[0]))


# --- statistics -------------------------------------------------------------------------------------


def test_statistics_count_by_size_class_and_step_live(staff_client):
    large = InstitutionFactory(paid_in_capital=3_000_000_000)
    small = InstitutionFactory(paid_in_capital=100_000_000)
    bank = InstitutionFactory(institution_type="bank", paid_in_capital=900_000_000_000)
    ApplicationFactory(institution=large, state=State.SUBMITTED)
    ApplicationFactory(institution=small, state=State.FUNCTIONAL_TEST)
    ApplicationFactory(institution=InstitutionFactory(paid_in_capital=0), state=State.DRAFT)
    ApplicationFactory(institution=InstitutionFactory(paid_in_capital=5), state=State.WITHDRAWN)
    ApplicationFactory(institution=bank, state=State.LIVE)
    response = staff_client.get(reverse("admin:applications_application_statistics"))
    rows = response.context["rows"]
    by_class = {r["row"].size_class: r["row"] for r in rows}
    assert by_class["large"].by_step["approval"] == 1 and by_class["large"].total == 1
    assert by_class["small_medium"].by_step["approval"] == 1
    assert by_class["small_medium"].by_step["functional_test"] == 1
    assert by_class["small_medium"].by_step["withdrawn"] == 1
    assert (by_class["small_medium"].in_progress, by_class["small_medium"].total) == (2, 3)
    assert by_class["bank"].by_step["live"] == 1
    assert (by_class["total"].in_progress, by_class["total"].total) == (4, 5)
    page = text_of(response)
    assert "대형" in page and "중소형" in page and "은행" in page and "합계" in page
    # live: a new application shows at once
    ApplicationFactory(institution=InstitutionFactory(paid_in_capital=2_000_000_000))
    again = staff_client.get(reverse("admin:applications_application_statistics"))
    assert {r["row"].size_class: r["row"] for r in again.context["rows"]}["large"].total == 2


def test_statistics_page_has_a_fixed_query_count(staff_client, django_assert_num_queries):
    from django.contrib.contenttypes.models import ContentType

    for capital in (0, 10**10, 5 * 10**8):
        ApplicationFactory(institution=InstitutionFactory(paid_in_capital=capital))
    ContentType.objects.clear_cache()
    with django_assert_num_queries(7):
        staff_client.get(reverse("admin:applications_application_statistics"))


def test_staff_without_view_permission_get_no_review_page_or_statistics(submitted):
    client = mfa_client(StaffFactory(with_role=False))
    assert client.get(review_url(submitted)).status_code == 403
    assert client.get(reverse("admin:applications_application_statistics")).status_code == 403
    assert client.get(reverse("admin:applications_reviewqueueitem_changelist")).status_code == 403
