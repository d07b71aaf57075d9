"""Issue 6.1 — daily usage imported by staff from CSV (admin) and through the REST API."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from operations.models import DailyUsage, UsageImport

from .conftest import mfa_client, text_of
from .factories import InstitutionFactory, StaffFactory

HEADER = "business_registration_number,day,api,count,amount_krw\n"


def csv_of(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def upload(client, content: bytes, name="usage.csv"):
    return client.post(
        reverse("admin:operations_dailyusage_import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        follow=True,
    )


@pytest.fixture
def two_institutions(db):
    return InstitutionFactory(), InstitutionFactory()


def test_staff_import_a_usage_file_in_the_admin(staff_client, two_institutions):
    a, b = two_institutions
    content = csv_of(
        f"{a.business_registration_number},2026-10-01,withdraw,120,3500000",
        f"{a.business_registration_number},2026-10-01,balance,40,0",
        f"{b.business_registration_number[:3]}-{b.business_registration_number[3:5]}-"
        f"{b.business_registration_number[5:]},2026-10-02,deposit,7,70000",
    )
    response = upload(staff_client, content)
    assert "3행을 등록했습니다." in text_of(response)
    assert set(DailyUsage.objects.values_list("institution_id", "api", "count", "amount_krw")) == {
        (a.pk, "withdraw", 120, 3_500_000),
        (a.pk, "balance", 40, 0),
        (b.pk, "deposit", 7, 70_000),
    }


def test_importing_the_same_file_twice_changes_nothing(staff_client, two_institutions):
    a, _b = two_institutions
    content = csv_of(f"{a.business_registration_number},2026-10-01,withdraw,120,3500000")
    upload(staff_client, content)
    before = list(DailyUsage.objects.values_list("pk", "count", "amount_krw", "updated_at"))
    response = upload(staff_client, content, name="again.csv")
    assert "이미 등록된 파일입니다" in text_of(response)
    assert list(DailyUsage.objects.values_list("pk", "count", "amount_krw", "updated_at")) == before
    assert UsageImport.objects.count() == 1


def test_a_corrected_file_for_the_same_days_replaces_rather_than_adds(
    staff_client, two_institutions
):
    a, _b = two_institutions
    upload(staff_client, csv_of(f"{a.business_registration_number},2026-10-01,withdraw,120,1"))
    upload(staff_client, csv_of(f"{a.business_registration_number},2026-10-01,withdraw,130,2"))
    assert list(DailyUsage.objects.values_list("count", "amount_krw")) == [(130, 2)]


def test_a_bad_file_is_rejected_whole_with_the_lines_at_fault(staff_client, two_institutions):
    a, _b = two_institutions
    brn = a.business_registration_number
    content = csv_of(
        f"{brn},2026-10-01,withdraw,120,3500000",  # line 2: fine
        f"{brn},2026-13-01,withdraw,1,1",  # line 3: bad date
        f"{brn},2026-10-01,teleport,1,1",  # line 4: unknown API
        f"{brn},2026-10-02,deposit,-5,1",  # line 5: negative count
        "1234567890,2026-10-02,deposit,1,1",  # line 6: unknown institution
        f"{brn},2026-10-01,withdraw,9,9",  # line 7: duplicate of line 2
    )
    response = upload(staff_client, content)
    page = text_of(response)
    assert "파일 전체를 반려했습니다. 오류가 있는 행: 3, 4, 5, 6, 7" in page
    assert "2행과 중복됩니다." in page
    assert not DailyUsage.objects.exists()
    assert not UsageImport.objects.exists()


def test_import_page_refuses_staff_without_the_permission(db, two_institutions):
    client = mfa_client(StaffFactory(with_role=False))
    response = client.get(reverse("admin:operations_dailyusage_import"))
    assert response.status_code == 403


def test_a_file_without_the_header_is_rejected(staff_client, two_institutions):
    response = upload(staff_client, b"brn,date\n1,2\n")
    assert "머리글에 필요한 열이 없습니다" in text_of(response)
    assert not DailyUsage.objects.exists()


# --- REST API ----------------------------------------------------------------------------------


def test_staff_post_usage_rows_through_the_api_idempotently(staff_client, two_institutions):
    a, _b = two_institutions
    rows = [
        {
            "business_registration_number": a.business_registration_number,
            "day": "2026-10-03",
            "api": "withdraw",
            "count": "5",
            "amount_krw": "5000",
        }
    ]
    first = staff_client.post("/api/v1/usage/", {"rows": rows}, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["written"] is True
    again = staff_client.post("/api/v1/usage/", {"rows": rows}, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["written"] is False
    assert DailyUsage.objects.get().count == 5


def test_api_rejects_bad_rows_with_their_numbers(staff_client, two_institutions):
    a, _b = two_institutions
    rows = [
        {"business_registration_number": a.business_registration_number, "day": "2026-10-03",
         "api": "withdraw", "count": "5"},
        {"business_registration_number": a.business_registration_number, "day": "x",
         "api": "withdraw", "count": "5"},
    ]  # fmt: skip
    response = staff_client.post("/api/v1/usage/", {"rows": rows}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "usage_rejected"
    assert body["fields"]["rows"][0].startswith("2: ")
    assert not DailyUsage.objects.exists()


def test_applicant_cannot_post_usage_and_sees_only_own(applicant_client, member, two_institutions):
    a, _b = two_institutions
    rows = [{"business_registration_number": a.business_registration_number, "day": "2026-10-03",
             "api": "withdraw", "count": "5"}]  # fmt: skip
    response = applicant_client.post(
        "/api/v1/usage/", {"rows": rows}, content_type="application/json"
    )
    assert response.status_code == 403
    DailyUsage.objects.create(
        institution=member.institution, day=datetime.date(2026, 10, 1), api="deposit", count=3
    )
    DailyUsage.objects.create(institution=a, day=datetime.date(2026, 10, 1), api="deposit", count=4)
    listed = applicant_client.get("/api/v1/usage/?month=2026-10").json()
    results = listed["results"] if isinstance(listed, dict) else listed
    assert [r["count"] for r in results] == [3]


def test_anonymous_cannot_read_usage(client, db):
    assert client.get("/api/v1/usage/").status_code in (401, 403)
