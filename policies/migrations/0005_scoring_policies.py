"""DOMAIN §6.1 and §6.2 as the first policy versions of the two evaluations (see contracts/scoring.py
for the item rules). Frozen here: later changes are new PolicyVersion rows added by staff."""

import datetime

from django.db import migrations

EFFECTIVE = datetime.date(2019, 12, 18)
억 = 100_000_000

CREDIT_RATING = {
    "code": "credit_rating",
    "input": "credit_rating",
    "rule": "grades",
    # (reading of the merged cells) AAA/AA/A 20 · BBB/BB 15 · B/CCC 10 · CC/C 5 · D/NG 0
    "points": {
        "AAA": 20, "AA": 20, "A": 20, "BBB": 15, "BB": 15,
        "B": 10, "CCC": 10, "CC": 5, "C": 5, "D": 0, "NG": 0,
    },
}
YEARS_BANDS = [[0, 0], [2, 2], [3, 4], [4, 7], [5, 10]]

SELF_CERTIFICATION = {
    "pass_mark": 60,
    "items": [
        CREDIT_RATING,
        {
            "code": "paid_in_capital",
            "input": "paid_in_capital_krw",
            "rule": "bands",
            "bands": [[0, 0], [30 * 억, 2], [50 * 억, 4], [70 * 억, 7], [100 * 억, 10]],
        },
        {
            "code": "annual_revenue",
            "input": "annual_revenue_krw",
            "rule": "bands",
            "bands": [[0, 0], [20 * 억, 2], [50 * 억, 4], [100 * 억, 7], [400 * 억, 10]],
        },
        {"code": "business_years", "input": "business_years", "rule": "bands", "bands": YEARS_BANDS},
        {
            "code": "members",
            "input": "members",
            "rule": "bands",
            "bands": [[0, 0], [10_000, 5], [100_000, 10], [500_000, 15], [1_000_000, 20]],
        },
        {
            "code": "qualification",
            "input": "qualifications",
            "rule": "best_of",
            "points": {
                "financial_company": 10,
                "prepaid_debit_means": 10,
                "other_efinance": 0,
                "small_overseas_remittance": 0,
            },
        },
        # Not operated: not eligible at all (이용 불가), whatever the total.
        {"code": "aml_system", "input": "aml_system", "rule": "if_true", "points": 10, "required": True},
        {"code": "complaint_system", "input": "complaint_system", "rule": "if_true", "points": 10},
    ],
}

CENTRE_GUARANTEE = {
    "deductions": [
        CREDIT_RATING,
        {
            "code": "paid_in_capital",
            "input": "paid_in_capital_krw",
            "rule": "bands",
            "bands": [[0, 0], [20 * 억, 5], [50 * 억, 10], [100 * 억, 15], [200 * 억, 20]],
        },
        {
            "code": "annual_revenue",
            "input": "annual_revenue_krw",
            "rule": "bands",
            "bands": [[0, 0], [20 * 억, 5], [50 * 억, 10], [100 * 억, 15], [500 * 억, 20]],
        },
        {"code": "business_years", "input": "business_years", "rule": "bands", "bands": YEARS_BANDS},
        {"code": "service_years", "input": "service_years", "rule": "bands", "bands": YEARS_BANDS},
        {
            "code": "members",
            "input": "members",
            "rule": "bands",
            "bands": [[0, 0], [10_000, 2], [100_000, 5], [500_000, 10], [1_000_000, 20]],
        },
        {
            "code": "annual_transactions",
            "input": "annual_transactions",
            "rule": "bands",
            "bands": [[0, 0], [100_000, 2], [1_000_000, 5], [5_000_000, 10], [10_000_000, 20]],
        },
        {
            "code": "qualification",
            "input": "qualifications",
            "rule": "best_of",
            # (reading) §6.2 names no points for a financial company: it counts as unregistered (0).
            "points": {
                "prepaid_debit_means": 30,
                "other_efinance": 10,
                "small_overseas_remittance": 10,
                "financial_company": 0,
            },
        },
    ],
    "additions": [
        {"code": "no_complaint_system", "input": "complaint_system", "rule": "if_false", "points": 20},
        {"code": "no_aml_system", "input": "aml_system", "rule": "if_false", "points": 20},
        {
            "code": "vulnerability_deficiencies",
            "input": "vulnerability_deficiencies",
            "rule": "per_unit",
            "points": 10,
        },
        {
            "code": "no_account_ownership_verification",
            "input": "account_ownership_verification",
            "rule": "if_false",
            "points": 30,
        },
    ],
    # ≤ −100 → 100% · −99…−51 → 150% · −50…50 → 200% · 51…99 → 250% · ≥ 100 → 300%
    "rate_bands": [[None, 100], [-99, 150], [-50, 200], [51, 250], [100, 300]],
}

DEFAULTS = {
    "self_certification": (SELF_CERTIFICATION, "DOMAIN.md §6.1 초기값"),
    "centre_guarantee": (CENTRE_GUARANTEE, "DOMAIN.md §6.2 초기값"),
}


def load(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    for kind, (data, note) in DEFAULTS.items():
        PolicyVersion.objects.get_or_create(
            kind=kind, effective_from=EFFECTIVE, defaults={"data": data, "note": note}
        )


def unload(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    PolicyVersion.objects.filter(kind__in=DEFAULTS, effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("policies", "0004_calendar_kind")]
    operations = [migrations.RunPython(load, unload)]
