"""The first fee policy (DOMAIN §5.2), loaded by a data migration; staff add later versions as data.

Keys: `apis` (per billed API: basic/reduced cost per call and the monthly reduction criterion),
`consecutive_months_for_basic` (the "three months in a row" of §5.2), `processing_costs` (the table the
contract PDF prints), and the payment rules this portal reads (our reading, to be set by the board):
`invoice_due_business_days` after issue, `reminder_days_before_due`, `missed_payments_for_sanction` (§9).
"""

import datetime

EFFECTIVE_FROM = datetime.date(2019, 12, 18)

DEFAULT_FEES: dict = {
    "apis": {
        "withdraw": {
            "label": "출금이체",
            "former_krw": 500,
            "basic_krw": 50,
            "reduced_krw": 30,
            "criterion_amount_krw": 10_000_000_000,
            "criterion_count": 100_000,
        },
        "deposit": {
            "label": "입금이체",
            "former_krw": 400,
            "basic_krw": 40,
            "reduced_krw": 20,
            "criterion_amount_krw": 10_000_000_000,
            "criterion_count": 100_000,
        },
    },
    "consecutive_months_for_basic": 3,
    "processing_costs": [
        {"api": "출금이체", "basic_krw": 50, "reduced_krw": 30},
        {"api": "입금이체", "basic_krw": 40, "reduced_krw": 20},
    ],
    "invoice_due_business_days": 10,
    "reminder_days_before_due": 3,
    "missed_payments_for_sanction": 3,
}
