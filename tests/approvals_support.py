"""Shared by the approval-chain tests (their fixtures `submitted` and `two_level_chain` are in
conftest): staff with chosen permissions and the admin's approve button."""

from django.urls import reverse

from .contract_support import staff_with

LEVEL1 = "applications.decide_application"
LEVEL2 = "approvals.approve_level2"


def staff_user(*perms):
    return staff_with("applications.view_application", "applications.change_application", *perms)


def approve(client, application, reason="적격 — 전자금융업자"):
    url = reverse("admin:applications_application_transition", args=[application.pk, "approve"])
    return client.post(url, {"reason": reason}, follow=True)
