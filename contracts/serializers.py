"""Input and answers of the public scoring API (DOMAIN §6.1, §6.2)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .scoring import CREDIT_RATINGS, PROFILE_LABELS, QUALIFICATIONS, ItemScore, ScoringProfile
from .scoring_policy import CentreGuaranteeEvaluation, SelfCertificationEvaluation

REQUIRED = _("필수 항목입니다.")
NOT_NEGATIVE = _("0 이상의 값을 입력하세요.")


def _whole_number(name: str, **kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=0,
        label=PROFILE_LABELS[name],
        error_messages={
            "required": REQUIRED,
            "null": REQUIRED,
            "invalid": _("0 이상의 정수를 입력하세요."),
            "min_value": NOT_NEGATIVE,
            "max_string_length": _("값이 너무 큽니다."),
        },
        **kwargs,
    )


def _years(name: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        label=PROFILE_LABELS[name],
        error_messages={
            "required": REQUIRED,
            "null": REQUIRED,
            "invalid": _("연수를 숫자로 입력하세요 (예: 2.5)."),
            "min_value": NOT_NEGATIVE,
            "max_digits": _("연수는 999.99년 이하로 입력하세요."),
            "max_whole_digits": _("연수는 999.99년 이하로 입력하세요."),
            "max_decimal_places": _("연수는 소수점 둘째 자리까지 입력하세요."),
        },
    )


def _flag(name: str) -> serializers.BooleanField:
    return serializers.BooleanField(
        label=PROFILE_LABELS[name],
        error_messages={
            "required": REQUIRED,
            "null": REQUIRED,
            "invalid": _("true 또는 false로 입력하세요."),
        },
    )


class ScoringProfileSerializer(serializers.Serializer):
    credit_rating = serializers.ChoiceField(
        choices=CREDIT_RATINGS,
        label=PROFILE_LABELS["credit_rating"],
        error_messages={
            "required": REQUIRED,
            "null": REQUIRED,
            "invalid_choice": _(
                "신용등급은 AAA, AA, A, BBB, BB, B, CCC, CC, C, D, NG 중 하나입니다."
            ),
        },
    )
    paid_in_capital_krw = _whole_number("paid_in_capital_krw")
    annual_revenue_krw = _whole_number("annual_revenue_krw")
    business_years = _years("business_years")
    service_years = _years("service_years")
    members = _whole_number("members")
    annual_transactions = _whole_number("annual_transactions")
    qualifications = serializers.MultipleChoiceField(
        choices=list(QUALIFICATIONS.items()),
        required=False,
        default=set,
        label=PROFILE_LABELS["qualifications"],
        error_messages={
            "invalid_choice": _(
                "관련자격은 financial_company, prepaid_debit_means, other_efinance, "
                "small_overseas_remittance 중에서 고르세요."
            ),
            "not_a_list": _("관련자격은 목록으로 입력하세요."),
        },
    )
    aml_system = _flag("aml_system")
    complaint_system = _flag("complaint_system")
    account_ownership_verification = _flag("account_ownership_verification")
    vulnerability_deficiencies = _whole_number(
        "vulnerability_deficiencies", required=False, default=0
    )

    def profile(self) -> ScoringProfile:
        return ScoringProfile(**self.validated_data)


class PolicyVersionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    effective_from = serializers.DateField()


class ItemScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()
    max = serializers.IntegerField(allow_null=True, help_text="null: 상한 없음 (미흡 항목당 가산)")


class GuaranteeItemScoreSerializer(ItemScoreSerializer):
    kind = serializers.ChoiceField(choices=[("deduction", "감산"), ("addition", "가산")])


class SelfCertificationAnswerSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    pass_mark = serializers.IntegerField()
    allowed = serializers.BooleanField()
    refused_by = serializers.ListField(child=serializers.CharField())
    items = ItemScoreSerializer(many=True)
    policy_version = PolicyVersionRefSerializer()


class CentreGuaranteeAnswerSerializer(serializers.Serializer):
    deductions = serializers.IntegerField()
    additions = serializers.IntegerField()
    composite = serializers.IntegerField()
    guarantee_rate_percent = serializers.IntegerField()
    items = GuaranteeItemScoreSerializer(many=True)
    policy_version = PolicyVersionRefSerializer()


def _item(score: ItemScore, *, with_kind: bool = False) -> dict:
    data = {"code": score.code, "label": score.label, "points": score.points, "max": score.max}
    if with_kind:
        data["kind"] = score.kind
    return data


def self_certification_answer(evaluation: SelfCertificationEvaluation) -> dict:
    result = evaluation.result
    return {
        "total": result.total,
        "pass_mark": result.pass_mark,
        "allowed": result.allowed,
        "refused_by": list(result.refused_by),
        "items": [_item(i) for i in result.items],
        "policy_version": evaluation.policy.as_dict(),
    }


def centre_guarantee_answer(evaluation: CentreGuaranteeEvaluation) -> dict:
    result = evaluation.result
    return {
        "deductions": result.deductions,
        "additions": result.additions,
        "composite": result.composite,
        "guarantee_rate_percent": result.guarantee_rate_percent,
        "items": [_item(i, with_kind=True) for i in result.items],
        "policy_version": evaluation.policy.as_dict(),
    }
