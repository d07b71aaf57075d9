"""DOMAIN §9 — payments, missed payments, the third-missed-payment suspension proposal, reminders."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import AuditEntry
from operations import payments
from operations.models import Invoice, SanctionCase

from .conftest import text_of
from .factories import ApplicationFactory
from .operations_factories import overdue_invoice

TODAY = datetime.date(2026, 11, 20)
MONTHS = [datetime.date(2026, m, 1) for m in (6, 7, 8, 9)]


@pytest.fixture
def live(db):
    return ApplicationFactory(state="live")


def missed(application, n):
    return [
        overdue_invoice(application.institution, MONTHS[k], due_on=TODAY - datetime.timedelta(1))
        for k in range(n)
    ]


def test_two_missed_payments_propose_nothing(live):
    missed(live, 2)
    assert payments.check_missed_payments(today=TODAY) == []
    assert not SanctionCase.objects.exists()


def test_third_missed_payment_proposes_suspension_with_evidence(
    live, django_capture_on_commit_callbacks, staff
):
    invoices = missed(live, 3)
    with django_capture_on_commit_callbacks(execute=True):
        cases = payments.check_missed_payments(today=TODAY)
    (case,) = cases
    assert (case.trigger, case.action, case.status) == ("unpaid_fees", "suspend", "proposed")
    assert case.proposed_by_system
    for invoice in invoices:
        assert invoice.number in case.evidence
    assert [i["number"] for i in case.evidence_data["invoices"]] == [i.number for i in invoices]
    assert AuditEntry.objects.filter(action="sanction.proposed", application=live).exists()
    assert any(staff.email in m.to for m in mail.outbox)
    live.refresh_from_db()
    assert live.state == "live"  # staff confirm; the system only proposes


def test_the_proposal_is_made_once_per_open_case(live):
    missed(live, 4)
    assert len(payments.check_missed_payments(today=TODAY)) == 1
    assert payments.check_missed_payments(today=TODAY) == []
    assert SanctionCase.objects.count() == 1


def test_an_invoice_due_today_is_not_yet_missed(live):
    missed(live, 2)
    overdue_invoice(live.institution, MONTHS[3], due_on=TODAY)
    assert payments.check_missed_payments(today=TODAY) == []


def test_a_paid_invoice_is_not_missed(live, staff):
    first, *_rest = missed(live, 3)
    payments.record_payment(
        invoice=first, amount_krw=first.total_krw, paid_on=TODAY, reference="R-1", by=staff
    )
    assert payments.check_missed_payments(today=TODAY) == []


def test_staff_confirm_the_proposal_in_the_admin_and_the_service_stops(
    live, staff_client, django_capture_on_commit_callbacks
):
    missed(live, 3)
    (case,) = payments.check_missed_payments(today=TODAY)
    change = staff_client.get(reverse("admin:operations_sanctioncase_change", args=[case.pk]))
    assert 'data-decision="confirm"' in text_of(change)
    url = reverse("admin:operations_sanctioncase_decide", args=[case.pk, "confirm"])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"reason": "3회 미납 확인"}, follow=True)
    assert "처리되었습니다" in text_of(response)
    live.refresh_from_db()
    case.refresh_from_db()
    assert live.state == "suspended"
    assert case.status == "confirmed"
    entry = AuditEntry.objects.get(action="application.suspended", application=live)
    assert "수수료 3회 이상 미납" in entry.reason
    assert any(live.institution.contact_email in m.to for m in mail.outbox)


def test_payment_recording_is_idempotent_by_reference_and_marks_paid(live, staff_client):
    (invoice,) = missed(live, 1)
    data = {"invoice": invoice.pk, "amount_krw": 400, "paid_on": "2026-11-21", "reference": "B-7"}
    staff_client.post(reverse("admin:operations_payment_add"), data)
    staff_client.post(reverse("admin:operations_payment_add"), data)
    invoice.refresh_from_db()
    assert (invoice.paid_krw, invoice.paid_at) == (400, None)
    data.update(amount_krw=600, reference="B-8")
    staff_client.post(reverse("admin:operations_payment_add"), data)
    invoice.refresh_from_db()
    assert invoice.paid_krw == 1_000 and invoice.paid_at is not None
    assert invoice.payments.count() == 2


def test_staff_without_permission_cannot_record_payments(live):
    from openbanking_portal.errors import NotAllowed

    from .factories import StaffFactory

    (invoice,) = missed(live, 1)
    with pytest.raises(NotAllowed):
        payments.record_payment(
            invoice=invoice,
            amount_krw=1,
            paid_on=TODAY,
            reference="x",
            by=StaffFactory(with_role=False),
        )


def test_reminders_before_and_after_the_due_date_are_sent_once(live):
    soon = overdue_invoice(live.institution, MONTHS[0], due_on=TODAY + datetime.timedelta(2))
    late = overdue_invoice(live.institution, MONTHS[1], due_on=TODAY - datetime.timedelta(1))
    far = overdue_invoice(live.institution, MONTHS[2], due_on=TODAY + datetime.timedelta(20))
    assert payments.send_payment_reminders(today=TODAY) == 2
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("납부 기한 안내" in s and soon.number in s for s in subjects)
    assert any("미납 안내" in s and late.number in s for s in subjects)
    assert all(live.institution.contact_email in m.to for m in mail.outbox)
    assert payments.send_payment_reminders(today=TODAY) == 0
    assert Invoice.objects.get(pk=far.pk).reminded_before_at is None


def upload_payments(client, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("admin:operations_payment_import"),
        {"file": SimpleUploadedFile("payments.csv", content, content_type="text/csv")},
        follow=True,
    )


def test_staff_import_payments_idempotently(live, staff_client):
    a, b = missed(live, 2)
    content = (
        "invoice_number,amount_krw,paid_on,reference\n"
        f"{a.number},1000,2026-11-21,BANK-1\n"
        f"{b.number},300,2026-11-21,BANK-2\n"
    ).encode()
    page = text_of(upload_payments(staff_client, content))
    assert "2행 중 2건을 새로 등록했습니다." in page
    page = text_of(upload_payments(staff_client, content))
    assert "2행 중 0건을 새로 등록했습니다." in page
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.paid_krw, a.paid_at is not None) == (1000, True)
    assert (b.paid_krw, b.paid_at) == (300, None)
    assert payments.missed_counts(TODAY) == {live.institution_id: 1}


def test_a_bad_payment_file_is_rejected_whole(live, staff_client):
    (a,) = missed(live, 1)
    content = (
        "invoice_number,amount_krw,paid_on,reference\n"
        f"{a.number},1000,2026-11-21,BANK-1\n"
        "INV-NOPE,10,2026-11-21,BANK-2\n"
        f"{a.number},0,2026-11-21,BANK-3\n"
        f"{a.number},5,21/11/2026,BANK-4\n"
    ).encode()
    page = text_of(upload_payments(staff_client, content))
    assert "오류가 있는 행: 3, 4, 5" in page
    a.refresh_from_db()
    assert a.paid_krw == 0 and not a.payments.exists()
