"""The transition log is append-only: no edit, no delete — not in the ORM, not in the admin, not in SQL."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from applications.audit import log_action
from applications.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(application):
    return log_action(
        action="application.submitted",
        application=application,
        from_state="draft",
        to_state="submitted",
        reason="원문",
    )


def test_entry_cannot_be_edited_or_deleted_through_the_orm(entry):
    entry.reason = "고친 사유"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="고친 사유")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "원문"


def test_admin_offers_no_edit_or_delete_even_to_superusers(entry):
    from .conftest import mfa_client
    from .factories import StaffFactory

    root = StaffFactory(is_superuser=True)
    client = mfa_client(root)
    change = client.post(
        reverse("admin:applications_auditentry_change", args=[entry.pk]), {"reason": "x"}
    )
    assert change.status_code in (302, 403) or b"readonly" in change.content
    delete = client.post(
        reverse("admin:applications_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert client.get(reverse("admin:applications_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).reason == "원문"


def test_timeline_is_shown_to_applicant_and_staff(
    applicant_client, staff_client, application, entry
):
    mine = applicant_client.get(reverse("application_detail", args=[application.pk]))
    assert "원문" in mine.content.decode()
    staff_page = staff_client.get(
        reverse("admin:applications_application_change", args=[application.pk])
    )
    assert "원문" in staff_page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgres_trigger_refuses_raw_update_and_delete(entry):
    for sql in (
        "UPDATE applications_auditentry SET reason = 'x'",
        "DELETE FROM applications_auditentry",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).reason == "원문"
