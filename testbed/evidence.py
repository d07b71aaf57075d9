"""Selectors: the evidence the functional-test checklist shows for each function (DOMAIN §2 step 2).

`evidence_for(institution_id, api_code)` → the last successful calls, the number of calls and the
error rate of one function, from the testbed call log. `api_code` is the checklist's function code
(`reviews.api_catalogue`: "balance", "withdraw", "oauth_token", ...).
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from .catalogue import API_NAMES, SUCCESS
from .models import TestbedCall

LAST_SUCCESSES = 3


@dataclass(frozen=True)
class Evidence:
    api_code: str
    last_success_calls: list[TestbedCall] = field(default_factory=list)
    total: int = 0
    errors: int = 0

    @property
    def error_rate(self) -> float:
        """Share of calls that did not succeed, 0.0–1.0 (0.0 when there were no calls)."""
        return self.errors / self.total if self.total else 0.0

    @property
    def error_percent(self) -> int:
        return round(self.error_rate * 100)

    @property
    def name(self) -> str:
        return str(API_NAMES.get(self.api_code, self.api_code))

    @property
    def has_success(self) -> bool:
        return bool(self.last_success_calls)

    def __getitem__(self, key: str):
        # Also readable as a mapping: evidence["total"], evidence["error_rate"], ...
        return getattr(self, key)


def evidence_for(institution_id: int, api_code: str) -> Evidence:
    """DOMAIN §2 step 2 — one function's evidence (two queries)."""
    return evidence_for_many(institution_id, [api_code])[api_code]


def evidence_for_many(institution_id: int, api_codes: list[str]) -> dict[str, Evidence]:
    """Every listed function's evidence in two queries (for a checklist of many items)."""
    calls = TestbedCall.objects.filter(institution_id=institution_id, api_code__in=api_codes)
    counts = {
        row["api_code"]: row
        for row in calls.values("api_code").annotate(
            total=Count("id"), errors=Count("id", filter=~Q(rsp_code=SUCCESS.code))
        )
    }
    successes: dict[str, list[TestbedCall]] = {code: [] for code in api_codes}
    latest = (
        calls.filter(rsp_code=SUCCESS.code)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("api_code")], order_by=[F("at").desc(), F("id").desc()]
            )
        )
        .filter(rank__lte=LAST_SUCCESSES)
        .order_by("api_code", "-at", "-id")
    )
    for call in latest:
        successes[call.api_code].append(call)
    return {
        code: Evidence(
            api_code=code,
            last_success_calls=successes[code],
            total=counts.get(code, {}).get("total", 0),
            errors=counts.get(code, {}).get("errors", 0),
        )
        for code in api_codes
    }


def render_evidence(evidence: Evidence) -> str:
    """The `_evidence.html` component as HTML (for an admin readonly field or a plain view)."""
    from django.template.loader import render_to_string

    return render_to_string("testbed/_evidence.html", {"evidence": evidence})
