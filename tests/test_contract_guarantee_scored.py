"""The centre guarantee is scored from the application itself (DOMAIN §6.2), as the calculator scores it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import State
from applications.models.details import ApplicationDetails
from contracts import accounts
from contracts.guarantee import arrangement_of
from contracts.models import Bank, Contract

from .factories import ApplicationFactory
from .test_scoring_application_profile import DECLARED, vulnerability_check

pytestmark = pytest.mark.django_db


def test_admin_scores_the_guarantee_from_the_declarations(staff, staff_client, member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.CONTRACT
    )
    application.institution.paid_in_capital = 5_000_000_000
    application.institution.save()
    ApplicationDetails.objects.create(application=application, **DECLARED)
    vulnerability_check(application, deficient=3)
    accounts.choose_main_bank(application=application, by=staff, bank=Bank.objects.get(code="004"))
    accounts.set_limits(
        application=application,
        by=staff,
        usage_limit_krw=10**9,
        daily_withdrawal_limit_krw=100_000_000,
    )
    contract = Contract.objects.get(application=application)

    staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "score_centre_guarantee", "_selected_action": [contract.pk]},
    )

    calculator = (
        APIClient()
        .post(
            "/api/v1/scoring/centre-guarantee/",
            {
                **{k: v for k, v in DECLARED.items() if k not in ("annual_revenue",)},
                "annual_revenue_krw": DECLARED["annual_revenue"],
                "paid_in_capital_krw": 5_000_000_000,
                "vulnerability_deficiencies": 3,
            },
            format="json",
        )
        .json()
    )
    arrangement = arrangement_of(Contract.objects.get(pk=contract.pk))
    assert arrangement.composite_score == calculator["composite"]
    assert arrangement.rate_percent == calculator["guarantee_rate_percent"]
    assert (
        arrangement.required_amount_krw == 100_000_000 * calculator["guarantee_rate_percent"] // 100
    )


def test_missing_declarations_are_named_instead_of_scored_as_zero(staff, staff_client, member):
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.CONTRACT
    )
    accounts.choose_main_bank(application=application, by=staff, bank=Bank.objects.get(code="004"))
    accounts.set_limits(
        application=application,
        by=staff,
        usage_limit_krw=10**9,
        daily_withdrawal_limit_krw=100_000_000,
    )
    contract = Contract.objects.get(application=application)
    page = staff_client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "score_centre_guarantee", "_selected_action": [contract.pk]},
        follow=True,
    )
    assert arrangement_of(Contract.objects.get(pk=contract.pk)) is None
    assert any(m.level_tag == "error" for m in page.context["messages"])
