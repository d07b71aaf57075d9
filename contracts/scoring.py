"""DOMAIN §6.1 (self-certification evaluation) and §6.2 (centre guarantee) as pure rule functions.

No ORM here: every function takes a `ScoringProfile` and the `data` of the policy version in force,
so the public calculators, the API and the contract step all score the same way, and a later policy
version changes the answer without a code change. The policy data is a list of items, each naming
the profile field it reads and one of a handful of rules:

- ``bands``: ``[[lower_bound, points], ...]`` ascending; a value earns the points of the last band
  whose lower bound it reaches (lower bound inclusive: "30–<50억 2" is ``[3000000000, 2]``);
- ``grades``: ``{"AAA": 20, ...}`` looked up by the value (unknown → 0);
- ``best_of``: the same lookup over a set of values, the highest one counting ("several held: the
  highest only"), none held → 0;
- ``if_true`` / ``if_false``: ``points`` when the flag is set / not set;
- ``per_unit``: ``points`` for each unit of the value (no maximum).

Items are a list, not a dict, because PostgreSQL's jsonb does not keep key order and the breakdown
is shown in the order of the DOMAIN tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# Input vocabulary of the evaluations (the points they earn are policy data).
CREDIT_RATINGS: tuple[str, ...] = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D", "NG")
QUALIFICATIONS: dict[str, str] = {
    "financial_company": _("금융회사"),
    "prepaid_debit_means": _("선불·직불전자지급수단 발행업"),
    "other_efinance": _("기타 전자금융업"),
    "small_overseas_remittance": _("소액해외송금업"),
}
NUMBER_FIELDS: tuple[str, ...] = (
    "paid_in_capital_krw",
    "annual_revenue_krw",
    "business_years",
    "service_years",
    "members",
    "annual_transactions",
    "vulnerability_deficiencies",
)

PROFILE_LABELS: dict[str, str] = {
    "credit_rating": _("기업신용등급"),
    "paid_in_capital_krw": _("납입자본금 (원)"),
    "annual_revenue_krw": _("직전 연도 매출액 (원)"),
    "business_years": _("회사업력 (전자금융업 영위 연수)"),
    "service_years": _("서비스 기간 (펌뱅킹 포함, 연수)"),
    "members": _("회원 수"),
    "annual_transactions": _("최근 1년 거래건수 (펌뱅킹 포함)"),
    "qualifications": _("관련자격"),
    "aml_system": _("자금세탁방지 체계 운영"),
    "complaint_system": _("고객민원 대응체계 보유"),
    "account_ownership_verification": _("계좌소유인증(1원 이체) 시행"),
    "vulnerability_deficiencies": _("핀테크 서비스 취약점 점검 미흡 항목 수"),
}

ITEM_LABELS: dict[str, str] = {
    "credit_rating": _("기업신용등급"),
    "paid_in_capital": _("납입자본금"),
    "annual_revenue": _("연간 매출액"),
    "business_years": _("회사업력"),
    "service_years": _("서비스 기간"),
    "members": _("회원 수"),
    "annual_transactions": _("연간 거래건수"),
    "qualification": _("관련자격"),
    "aml_system": _("자금세탁방지 체계"),
    "complaint_system": _("고객민원 대응체계"),
    "no_complaint_system": _("고객민원 대응체계 없음"),
    "no_aml_system": _("자금세탁방지 체계 없음"),
    "vulnerability_deficiencies": _("취약점 점검 미흡 항목"),
    "no_account_ownership_verification": _("계좌소유인증(1원 이체) 없음"),
}


@dataclass(frozen=True)
class ScoringProfile:
    """What the institution declares for both evaluations (DOMAIN §6.1, §6.2). Money in KRW."""

    credit_rating: str
    paid_in_capital_krw: int
    annual_revenue_krw: int
    business_years: Decimal
    service_years: Decimal
    members: int
    annual_transactions: int
    qualifications: frozenset[str] = field(default_factory=frozenset)
    aml_system: bool = False
    complaint_system: bool = False
    account_ownership_verification: bool = False
    vulnerability_deficiencies: int = 0

    def __post_init__(self) -> None:
        # Forms and serializers refuse these with a message per field; this is the last guard.
        if self.credit_rating not in CREDIT_RATINGS:
            raise ValueError(f"unknown credit rating {self.credit_rating!r}")
        object.__setattr__(self, "qualifications", frozenset(self.qualifications))
        unknown = self.qualifications - QUALIFICATIONS.keys()
        if unknown:
            raise ValueError(f"unknown qualifications {sorted(unknown)}")
        for name in NUMBER_FIELDS:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")


@dataclass(frozen=True)
class ItemScore:
    code: str
    points: int
    max: int | None  # None: no upper limit (points per deficient item)
    kind: str = ""  # "deduction" / "addition" for the centre guarantee

    @property
    def label(self) -> str:
        return str(ITEM_LABELS.get(self.code, self.code))


@dataclass(frozen=True)
class SelfCertificationResult:
    items: tuple[ItemScore, ...]
    total: int
    pass_mark: int
    allowed: bool
    # Items that refuse self-certification whatever the total (no AML system: 이용 불가).
    refused_by: tuple[str, ...]


@dataclass(frozen=True)
class CentreGuaranteeResult:
    items: tuple[ItemScore, ...]
    deductions: int
    additions: int
    composite: int
    guarantee_rate_percent: int


def score_item(item: Mapping, profile: ScoringProfile) -> ItemScore:
    """The points one policy item gives this profile, and the most it could give."""
    value = getattr(profile, item["input"])
    rule = item["rule"]
    if rule == "bands":
        bands = item["bands"]
        points = 0
        for lower, band_points in bands:
            if value >= lower:
                points = band_points
        maximum = max(p for _lower, p in bands)
    elif rule == "grades":
        points = item["points"].get(value, 0)
        maximum = max(item["points"].values())
    elif rule == "best_of":
        points = max((item["points"].get(v, 0) for v in value), default=0)
        maximum = max(item["points"].values())
    elif rule == "if_true":
        points = item["points"] if value else 0
        maximum = item["points"]
    elif rule == "if_false":
        points = 0 if value else item["points"]
        maximum = item["points"]
    elif rule == "per_unit":
        points = item["points"] * int(value)
        maximum = None
    else:
        raise ValueError(f"unknown scoring rule {rule!r} in policy item {item.get('code')!r}")
    return ItemScore(code=item["code"], points=int(points), max=maximum)


def evaluate_self_certification(
    profile: ScoringProfile, policy: Mapping
) -> SelfCertificationResult:
    """DOMAIN §6.1 — 8 items, 100 points; allowed at the pass mark (60), never without AML system."""
    items = tuple(score_item(item, profile) for item in policy["items"])
    total = sum(i.points for i in items)
    refused_by = tuple(
        item["code"]
        for item, score in zip(policy["items"], items, strict=True)
        if item.get("required") and score.points == 0
    )
    return SelfCertificationResult(
        items=items,
        total=total,
        pass_mark=policy["pass_mark"],
        allowed=total >= policy["pass_mark"] and not refused_by,
        refused_by=refused_by,
    )


def guarantee_rate(composite: int, rate_bands: Iterable) -> int:
    """DOMAIN §6.2 — guarantee basis (% of the daily withdrawal limit) for a composite score.

    `rate_bands` is ``[[lower_bound or None, percent], ...]`` ascending, lower bound inclusive;
    ``None`` is "anything below the next band".
    """
    rate = None
    for lower, percent in rate_bands:
        if lower is None or composite >= lower:
            rate = percent
    if rate is None:
        raise ValueError(f"no guarantee rate band covers the composite score {composite}")
    return int(rate)


def evaluate_centre_guarantee(profile: ScoringProfile, policy: Mapping) -> CentreGuaranteeResult:
    """DOMAIN §6.2 — composite = additions − deductions; the composite picks the guarantee rate."""
    deductions = tuple(
        _with_kind(score_item(item, profile), "deduction") for item in policy["deductions"]
    )
    additions = tuple(
        _with_kind(score_item(item, profile), "addition") for item in policy["additions"]
    )
    deducted = sum(i.points for i in deductions)
    added = sum(i.points for i in additions)
    composite = added - deducted
    return CentreGuaranteeResult(
        items=deductions + additions,
        deductions=deducted,
        additions=added,
        composite=composite,
        guarantee_rate_percent=guarantee_rate(composite, policy["rate_bands"]),
    )


RULES = ("bands", "grades", "best_of", "if_true", "if_false", "per_unit")
_PROFILE_FIELDS = set(PROFILE_LABELS)


def policy_problems(kind: str, data: Mapping) -> list[str]:
    """What makes `data` unusable as a `self_certification` / `centre_guarantee` policy (empty: fine).

    For whoever lets staff enter a new version: a broken one would otherwise break every calculator.
    """
    problems: list[str] = []
    if kind == "self_certification":
        if not isinstance(data.get("pass_mark"), int):
            problems.append("pass_mark: an integer is required")
        lists = {"items": data.get("items")}
    elif kind == "centre_guarantee":
        lists = {"deductions": data.get("deductions"), "additions": data.get("additions")}
        bands = data.get("rate_bands")
        if not isinstance(bands, list) or not bands:
            problems.append("rate_bands: a list of [lower bound, percent] is required")
        else:
            lowers = [b[0] if isinstance(b, list) and len(b) == 2 else "?" for b in bands]
            if lowers[0] is not None or any(not isinstance(x, int) for x in lowers[1:]):
                problems.append("rate_bands: the first lower bound is null, the others integers")
            elif lowers[1:] != sorted(set(lowers[1:])):
                problems.append("rate_bands: lower bounds must be ascending")
            if any(not isinstance(b[1], int) for b in bands if isinstance(b, list) and len(b) == 2):
                problems.append("rate_bands: percentages must be integers")
    else:
        return [f"{kind}: not a scoring policy"]
    for name, items in lists.items():
        if not isinstance(items, list):
            problems.append(f"{name}: a list of items is required")
            continue
        for n, item in enumerate(items):
            problems.extend(f"{name}[{n}]: {p}" for p in _item_problems(item))
    return problems


def _item_problems(item) -> list[str]:
    if not isinstance(item, Mapping):
        return ["an object is required"]
    problems = []
    if not item.get("code"):
        problems.append("code is required")
    if item.get("input") not in _PROFILE_FIELDS:
        problems.append(f"input must be one of {sorted(_PROFILE_FIELDS)}")
    rule = item.get("rule")
    if rule not in RULES:
        problems.append(f"rule must be one of {list(RULES)}")
    elif rule == "bands":
        bands = item.get("bands")
        if (
            not isinstance(bands, list)
            or not bands
            or any(not (isinstance(b, list) and len(b) == 2) for b in bands)
            or any(not isinstance(x, int) for b in bands for x in b)
        ):
            problems.append("bands: a list of [lower bound, points] integers is required")
        elif [b[0] for b in bands] != sorted({b[0] for b in bands}):
            problems.append("bands: lower bounds must be ascending")
    elif rule in ("grades", "best_of"):
        points = item.get("points")
        if (
            not isinstance(points, Mapping)
            or not points
            or any(not isinstance(v, int) for v in points.values())
        ):
            problems.append("points: an object of integer points is required")
    elif not isinstance(item.get("points"), int):
        problems.append("points: an integer is required")
    return problems


def _with_kind(score: ItemScore, kind: str) -> ItemScore:
    return ItemScore(code=score.code, points=score.points, max=score.max, kind=kind)
