"""Applicant and agency pages of the functional test and the security check (DOMAIN §2, §7)."""

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path(
        "applications/<int:pk>/functional-test/",
        views.functional_test_page,
        name="functional_test",
    ),
    path(
        "applications/<int:pk>/security-check/",
        views.security_check_page,
        name="security_check",
    ),
    path(
        "applications/<int:pk>/security-check/apply/",
        views.security_check_apply,
        name="security_check_apply",
    ),
    path(
        "applications/<int:pk>/security-check/<int:check_pk>/remediation/",
        views.security_check_remediate,
        name="security_check_remediate",
    ),
    path("agency/", views.agency_checks, name="agency_checks"),
    path("agency/checks/<int:check_pk>/", views.agency_check_detail, name="agency_check"),
    path("files/documents/<int:doc_pk>/", views.check_document, name="check_document"),
    path("files/evidence/<int:item_pk>/", views.checklist_evidence, name="checklist_evidence"),
]
