"""Issue 10 item 5 — monitoring rules as pure functions over one institution's facts of a day.

Each rule in the `monitoring` policy names its kind and threshold; `evaluate` returns what fired,
with the figures that made it fire and the action the policy proposes. No ORM here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Facts:
    institution_id: int
    day: datetime.date
    withdraw_amount_krw: int = 0
    daily_withdrawal_limit_krw: int | None = None
    calls: int = 0  # testbed calls of the day
    errors: int = 0
    overdue_invoices: int = 0
    overdue_krw: int = 0


@dataclass(frozen=True)
class Finding:
    rule_code: str
    action: str
    data: dict = field(default_factory=dict)
    trigger: str = ""


def _error_rate(rule: dict, facts: Facts) -> dict | None:
    if facts.calls < int(rule.get("min_calls", 1)) or facts.calls == 0:
        return None
    rate = facts.errors / facts.calls
    if rate <= float(rule["threshold"]):
        return None
    return {"calls": facts.calls, "errors": facts.errors, "rate": round(rate, 4)}


def _withdrawal_limit(rule: dict, facts: Facts) -> dict | None:
    limit = facts.daily_withdrawal_limit_krw
    if not limit:
        return None
    if facts.withdraw_amount_krw < limit * float(rule.get("ratio", 1.0)):
        return None
    return {"withdraw_amount_krw": facts.withdraw_amount_krw, "limit_krw": limit}


def _arrears(rule: dict, facts: Facts) -> dict | None:
    if facts.overdue_invoices < int(rule.get("min_overdue_invoices", 1)):
        return None
    return {"overdue_invoices": facts.overdue_invoices, "overdue_krw": facts.overdue_krw}


KINDS = {"error_rate": _error_rate, "withdrawal_limit": _withdrawal_limit, "arrears": _arrears}


def evaluate(rules: list[dict], facts: Facts) -> list[Finding]:
    findings = []
    for rule in rules:
        check = KINDS.get(rule.get("kind"))
        if check is None:
            continue
        data = check(rule, facts)
        if data is not None:
            findings.append(
                Finding(
                    rule_code=rule["code"],
                    action=rule["action"],
                    data={**data, "day": facts.day.isoformat(), "label": rule.get("label", "")},
                    trigger=rule.get("trigger", ""),
                )
            )
    return findings
