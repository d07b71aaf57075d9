"""Factories and HTTP/admin helpers shared by the tests/test_reviews_*.py files."""

import datetime

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reviews.models import Agency, AgencyMembership

from .factories import UserFactory


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"보안점검기관{n}")
    contact_name = "이점검"
    email = factory.Sequence(lambda n: f"agency{n}@example.kr")
    phone = "02-1111-2222"


class AgencyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)


def accepted_security_checks(application, *, valid_until=None, kinds=None):
    """Test setup only (like ApplicationFactory's `state`): place accepted check results on an
    application that was put in the contract step without walking steps 2-3."""
    from django.utils import timezone

    from reviews.models import CheckKind, CheckStatus, SecurityCheck

    today = timezone.localdate()
    agency = AgencyFactory()
    checks = []
    for kind in kinds or CheckKind.values:
        check = SecurityCheck.objects.create(
            application=application,
            kind=kind,
            agency=agency,
            agreed_start=today - datetime.timedelta(days=60),
            agreed_end=today - datetime.timedelta(days=30),
            result_summary="양호",
            valid_until=valid_until,
        )
        SecurityCheck.objects.filter(pk=check.pk).update(
            status=CheckStatus.ACCEPTED, accepted_at=timezone.now()
        )
        checks.append(check)
    return checks


def agency_client(agency: Agency) -> Client:
    client = Client()
    client.force_login(AgencyMembershipFactory(agency=agency).user)
    return client


def upload(name: str = "report.pdf", content: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- applicant ---------------------------------------------------------------------------------


def file_functional_test(client, application, functions: dict[str, str], *, request=True):
    data = {"test_build": "https://test.example.kr (계정 tester / 1234)"}
    for code, usage in functions.items():
        data[f"use_{code}"] = "on"
        data[f"usage_{code}"] = usage
    if request:
        data["request_test"] = "1"
    return client.post(reverse("reviews:functional_test", args=[application.pk]), data, follow=True)


def apply_for_check(client, application, kind: str, agency: Agency):
    start = datetime.date.today()
    return client.post(
        reverse("reviews:security_check_apply", args=[application.pk]),
        {
            "kind": kind,
            "agency": agency.pk,
            "agreed_start": start.isoformat(),
            "agreed_end": (start + datetime.timedelta(days=30)).isoformat(),
            "deliverables": [upload("설계서.pdf"), upload("소스목록.txt", b"src")],
        },
        follow=True,
    )


# --- agency ------------------------------------------------------------------------------------


def agency_post(client, check, data, files=None):
    return client.post(
        reverse("reviews:agency_check", args=[check.pk]), {**data, **(files or {})}, follow=True
    )


def agency_performs(client, check, findings: list[tuple[str, str, bool]], summary="점검 완료"):
    """Start the check, record the findings (title, severity, deficient) and submit the result."""
    agency_post(client, check, {"action": "start"})
    for title, severity, deficient in findings:
        data = {"action": "finding", "finding-title": title, "finding-severity": severity}
        if deficient:
            data["finding-deficient"] = "on"
        agency_post(client, check, data)
    return agency_post(
        client,
        check,
        {"action": "result", "result-summary": summary},
        {"result-report": upload("결과보고서.pdf")},
    )


# --- staff in the admin ------------------------------------------------------------------------


def admin_check_items(client, round_, results: dict[str, tuple[str, str]]):
    """Post the round's change form with the checklist inline: {api_code: (result, note)}."""
    items = list(round_.items.order_by("id"))
    data = {
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "_save": "1",
    }
    for i, item in enumerate(items):
        result, note = results.get(item.api_code, (item.result, item.note))
        data.update(
            {
                f"items-{i}-id": str(item.pk),
                f"items-{i}-round": str(round_.pk),
                f"items-{i}-result": result,
                f"items-{i}-note": note,
            }
        )
    return client.post(
        reverse("admin:reviews_functionaltestround_change", args=[round_.pk]), data, follow=True
    )


def admin_action(client, model: str, action: str, objects):
    return client.post(
        reverse(f"admin:reviews_{model}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )


def admin_transition(client, application, name, reason="검토 완료"):
    url = reverse("admin:applications_application_transition", args=[application.pk, name])
    return client.post(url, {"reason": reason}, follow=True)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads of these tests go to a throw-away private MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT
