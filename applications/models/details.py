"""The online application's content (DOMAIN §2.1, §3, §4, §6, §10): one row per application.

Every field may be empty while the applicant is still writing; completeness is checked at submission
(`applications.completeness`), so a draft saves whatever was valid at each step.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..catalogue import CreditRating, EligibilityBasis, FscIndustry
from .application import Application


class ApplicationDetails(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="details", verbose_name=_("이용신청")
    )
    # §3 eligibility
    eligibility_basis = models.CharField(
        _("이용 자격 근거"), max_length=30, choices=EligibilityBasis.choices, blank=True
    )
    industry = models.CharField(
        _("업종 (핀테크산업 분류)"), max_length=30, choices=FscIndustry.choices, blank=True
    )
    industry_description = models.TextField(_("주요 사업 내용"), blank=True)
    # business model and plan
    business_model = models.TextField(_("사업모델"), blank=True)
    service_plan = models.TextField(_("서비스 계획"), blank=True)
    # §10 services and §8 sub-merchants
    services_wanted = models.JSONField(_("이용 희망 서비스(API)"), default=list, blank=True)
    has_sub_merchants = models.BooleanField(_("하위사업자 유무"), null=True, blank=True)
    sub_merchant_description = models.TextField(_("하위사업자 운영 계획"), blank=True)
    # §4 declarations: {rule code: True if the applicant falls under it}
    declarations = models.JSONField(_("제외대상·제외서비스 확인"), default=dict, blank=True)
    # §6 scoring inputs
    credit_rating = models.CharField(
        _("기업신용등급"), max_length=4, choices=CreditRating.choices, blank=True
    )
    annual_revenue = models.BigIntegerField(_("연간 매출액(원, 직전 연도)"), null=True, blank=True)
    business_years = models.PositiveSmallIntegerField(
        _("회사업력 (전자금융업 영위 연수)"), null=True, blank=True
    )
    service_years = models.PositiveSmallIntegerField(
        _("서비스 기간 (펌뱅킹 포함, 년)"), null=True, blank=True
    )
    members = models.PositiveIntegerField(_("회원 수"), null=True, blank=True)
    annual_transactions = models.PositiveBigIntegerField(
        _("최근 1년 거래건수 (펌뱅킹 포함)"), null=True, blank=True
    )
    qualifications = models.JSONField(_("관련자격"), default=list, blank=True)
    aml_system = models.BooleanField(_("자금세탁방지 체계 운영"), null=True, blank=True)
    complaint_system = models.BooleanField(_("고객민원 대응체계 보유"), null=True, blank=True)
    account_ownership_verification = models.BooleanField(
        _("1원 이체 계좌소유인증 운영"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        verbose_name = _("신청 내용")
        verbose_name_plural = _("신청 내용")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annual_revenue__isnull=True) | models.Q(annual_revenue__gte=0),
                name="details_revenue_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self._meta.verbose_name}"
