"""Public scoring calculators (DOMAIN §6.1, §6.2): no login, thin views over contracts.scoring_policy."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import scoring_policy
from .serializers import (
    CentreGuaranteeAnswerSerializer,
    ScoringProfileSerializer,
    SelfCertificationAnswerSerializer,
    centre_guarantee_answer,
    self_certification_answer,
)

EXAMPLE_PROFILE = OpenApiExample(
    "중형 핀테크",
    request_only=True,
    value={
        "credit_rating": "BBB",
        "paid_in_capital_krw": 5_000_000_000,
        "annual_revenue_krw": 12_000_000_000,
        "business_years": "4.5",
        "service_years": "3",
        "members": 250_000,
        "annual_transactions": 2_000_000,
        "qualifications": ["prepaid_debit_means"],
        "aml_system": True,
        "complaint_system": True,
        "account_ownership_verification": True,
        "vulnerability_deficiencies": 1,
    },
)


class PublicScoringView(APIView):
    """Anyone may try the calculators before applying: no authentication, no session, no CSRF."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def profile(self, request):
        serializer = ScoringProfileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.profile()


class SelfCertificationView(PublicScoringView):
    @extend_schema(
        operation_id="scoring_self_certification",
        summary="자체인증 평가 (DOMAIN §6.1)",
        description=(
            "8개 항목 100점 만점, 합격점(60점) 이상이면 자체인증 가능. "
            "자금세탁방지 체계가 없으면 점수와 관계없이 불가."
        ),
        request=ScoringProfileSerializer,
        responses={200: SelfCertificationAnswerSerializer},
        examples=[EXAMPLE_PROFILE],
        tags=["scoring"],
    )
    def post(self, request):
        evaluation = scoring_policy.self_certification(profile=self.profile(request))
        return Response(self_certification_answer(evaluation))


class CentreGuaranteeView(PublicScoringView):
    @extend_schema(
        operation_id="scoring_centre_guarantee",
        summary="센터 보증 평가 (DOMAIN §6.2)",
        description=(
            "종합점수 = 가산 − 감산. 종합점수 구간별 보증비율(일 출금한도 대비): "
            "≤ −100 → 100%, −99…−51 → 150%, −50…50 → 200%, 51…99 → 250%, ≥ 100 → 300%."
        ),
        request=ScoringProfileSerializer,
        responses={200: CentreGuaranteeAnswerSerializer},
        examples=[EXAMPLE_PROFILE],
        tags=["scoring"],
    )
    def post(self, request):
        evaluation = scoring_policy.centre_guarantee(profile=self.profile(request))
        return Response(centre_guarantee_answer(evaluation))
