"""DOMAIN §3, §4, §8 — eligibility and exclusion screening.

`screen` is a pure function over the applicant's facts and a rule set (data, see
`screening_rules.py`). It never decides: it explains what it found — the eligibility basis accepted or
not, each exclusion and excluded-service hit with the rule and the data that triggered it — and staff
decide. `run_screening` is the service that feeds it from the database and stores the result.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping

from django.utils import timezone


@dataclasses.dataclass(frozen=True)
class ScreeningFacts:
    institution_type: str
    eligibility_basis: str = ""
    industry: str = ""
    texts: Mapping[str, str] = dataclasses.field(default_factory=dict)  # field name -> text
    declarations: Mapping[str, bool] = dataclasses.field(default_factory=dict)  # code -> applies
    has_sub_merchants: bool | None = None


@dataclasses.dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "exclusion.gambling", "basis.fsc_industry"
    label: str
    source: str  # "declared" / "detected" / "basis"
    data: dict

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class ScreeningOutcome:
    basis_found: bool
    basis: Finding
    exclusion_hits: tuple[Finding, ...] = ()
    service_hits: tuple[Finding, ...] = ()
    other_hits: tuple[Finding, ...] = ()
    to_confirm: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        """Staff must look closely: no basis, or anything hit. Never a decision by itself."""
        return (
            not self.basis_found
            or bool(self.exclusion_hits)
            or bool(self.service_hits)
            or bool(self.other_hits)
        )

    @property
    def hits(self) -> tuple[Finding, ...]:
        return (*self.exclusion_hits, *self.service_hits, *self.other_hits)

    def as_dict(self) -> dict:
        return {
            "basis_found": self.basis_found,
            "basis": self.basis.as_dict(),
            "exclusion_hits": [h.as_dict() for h in self.exclusion_hits],
            "service_hits": [h.as_dict() for h in self.service_hits],
            "other_hits": [h.as_dict() for h in self.other_hits],
            "to_confirm": list(self.to_confirm),
            "flagged": self.flagged,
        }


def _basis(facts: ScreeningFacts, rules: Mapping) -> tuple[bool, Finding, tuple[str, ...]]:
    claimed = facts.eligibility_basis
    rule = rules.get("bases", {}).get(claimed)
    data = {
        "eligibility_basis": claimed,
        "institution_type": facts.institution_type,
        "industry": facts.industry,
    }
    if rule is None:
        return (
            False,
            Finding(f"basis.{claimed or 'none'}", "이용 자격 근거 없음", "basis", data),
            (),
        )
    label = rule["label"]
    needed_type = rule.get("requires_institution_type")
    if needed_type and facts.institution_type != needed_type:
        return (
            False,
            Finding(
                f"basis.{claimed}.institution_type",
                f"{label}: 기관 유형이 맞지 않음",
                "basis",
                {**data, "required_institution_type": needed_type},
            ),
            (),
        )
    industries_key = rule.get("requires_industry_in")
    if industries_key and facts.industry not in rules.get(industries_key, []):
        return (
            False,
            Finding(f"basis.{claimed}.industry", f"{label}: 분류업종이 아님", "basis", data),
            (),
        )
    confirm = (rule["confirm"],) if rule.get("confirm") else ()
    return True, Finding(f"basis.{claimed}", label, "basis", data), confirm


def _hits(kind: str, items: list, facts: ScreeningFacts) -> tuple[Finding, ...]:
    found = []
    for item in items:
        code = item["code"]
        rule = f"{kind}.{code}"
        if facts.declarations.get(code) is True:
            found.append(Finding(rule, item["label"], "declared", {"declaration": code}))
        for field, text in sorted(facts.texts.items()):
            lowered = (text or "").lower()
            matched = sorted({w for w in item.get("keywords", []) if w.lower() in lowered})
            if matched:
                found.append(
                    Finding(rule, item["label"], "detected", {"field": field, "keywords": matched})
                )
    return tuple(found)


def screen(facts: ScreeningFacts, rules: Mapping) -> ScreeningOutcome:
    """Screen one application's facts against one rule set. Pure: no database, no clock."""
    basis_found, basis, to_confirm = _basis(facts, rules)
    other = []
    sub_rule = rules.get("sub_merchants")
    if (
        sub_rule
        and facts.has_sub_merchants
        and facts.eligibility_basis not in sub_rule.get("allowed_bases", [])
    ):
        other.append(
            Finding(
                "sub_merchants.not_allowed",
                sub_rule["label"],
                "declared",
                {"has_sub_merchants": True, "eligibility_basis": facts.eligibility_basis},
            )
        )
    return ScreeningOutcome(
        basis_found=basis_found,
        basis=basis,
        exclusion_hits=_hits("exclusion", rules.get("exclusions", []), facts),
        service_hits=_hits("excluded_service", rules.get("excluded_services", []), facts),
        other_hits=tuple(other),
        to_confirm=to_confirm,
    )


def rule_labels(rules: Mapping) -> list[tuple[str, str]]:
    """Every rule a decision can cite, as (code, label) — for the reject form."""
    cited = [("basis.none", "이용 자격 근거 없음 (DOMAIN §3)")]
    cited += [(f"exclusion.{i['code']}", i["label"]) for i in rules.get("exclusions", [])]
    cited += [
        (f"excluded_service.{i['code']}", i["label"]) for i in rules.get("excluded_services", [])
    ]
    if rules.get("sub_merchants"):
        cited.append(("sub_merchants.not_allowed", rules["sub_merchants"]["label"]))
    return cited


def rules_problems(rules) -> list[str]:
    """What is wrong with a rule set's shape (empty when the engine can run it)."""
    if not isinstance(rules, dict):
        return ["규칙은 JSON 객체여야 합니다."]
    problems = []
    bases = rules.get("bases")
    if not isinstance(bases, dict) or not bases:
        problems.append("'bases'에 이용 자격 근거가 하나 이상 있어야 합니다.")
    else:
        for code, rule in bases.items():
            if not isinstance(rule, dict) or not rule.get("label"):
                problems.append(f"bases.{code}: 'label'이 필요합니다.")
            elif rule.get("requires_industry_in") and not isinstance(
                rules.get(rule["requires_industry_in"]), list
            ):
                problems.append(f"bases.{code}: '{rule['requires_industry_in']}' 목록이 없습니다.")
    for group in ("exclusions", "excluded_services"):
        items = rules.get(group)
        if not isinstance(items, list):
            problems.append(f"'{group}' 목록이 필요합니다.")
            continue
        codes = [i.get("code") for i in items if isinstance(i, dict)]
        if len(codes) != len(items) or len(set(codes)) != len(codes) or not all(codes):
            problems.append(f"{group}: 항목마다 서로 다른 'code'가 필요합니다.")
        for item in items:
            if isinstance(item, dict) and (
                not item.get("label") or not isinstance(item.get("keywords", []), list)
            ):
                problems.append(
                    f"{group}.{item.get('code')}: 'label'과 'keywords' 목록이 필요합니다."
                )
    sub = rules.get("sub_merchants")
    if sub is not None and (not isinstance(sub, dict) or "label" not in sub):
        problems.append("sub_merchants: 'label'과 'allowed_bases'가 필요합니다.")
    return problems


# --- the service ---------------------------------------------------------------------------------


def facts_of(application) -> ScreeningFacts:
    details = getattr(application, "details", None)
    institution = application.institution
    texts = {"service_description": application.service_description}
    if details is None:
        return ScreeningFacts(institution_type=institution.institution_type, texts=texts)
    texts.update(
        industry_description=details.industry_description,
        business_model=details.business_model,
        service_plan=details.service_plan,
        sub_merchant_description=details.sub_merchant_description,
    )
    return ScreeningFacts(
        institution_type=institution.institution_type,
        eligibility_basis=details.eligibility_basis,
        industry=details.industry,
        texts=texts,
        declarations=dict(details.declarations or {}),
        has_sub_merchants=details.has_sub_merchants,
    )


def run_screening(*, application, trigger: str, on: datetime.date | None = None):
    """Screen the application with the rule set in force and store the explainable result."""
    from .models import ScreeningResult, ScreeningRuleSet

    try:
        ruleset = ScreeningRuleSet.objects.in_force(on)
    except ScreeningRuleSet.DoesNotExist:
        return None  # no rules in force: staff review without the engine's flags
    outcome = screen(facts_of(application), ruleset.rules)
    # The stored result is the record (with its rule-set version); no separate audit row, so the
    # applicant's timeline shows only state changes and edits.
    return ScreeningResult.objects.create(
        application=application,
        ruleset=ruleset,
        trigger=trigger,
        ran_at=timezone.now(),
        basis_found=outcome.basis_found,
        flagged=outcome.flagged,
        result=outcome.as_dict(),
    )
