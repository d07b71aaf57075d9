"""After launch (DOMAIN §5.2, §8, §9): API usage, invoices and payments, sub-merchants, sanctions."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffDecision
from accounts.roles import staff_may


class UsageApi(models.TextChoices):
    """DOMAIN §10 — the APIs whose daily usage is counted; the transfer APIs are billed (§5.2)."""

    WITHDRAW = "withdraw", _("출금이체")
    DEPOSIT = "deposit", _("입금이체")
    BALANCE = "balance", _("잔액조회")
    TRANSACTION_LIST = "transaction_list", _("거래내역조회")
    REAL_NAME = "real_name", _("계좌실명조회")
    REMIT_LIST = "remit_list", _("송금인정보조회")


class UsageImport(models.Model):
    """One imported usage file, recognised by its SHA-256 so the same file twice changes nothing."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    filename = models.CharField(_("파일명"), max_length=200, blank=True)
    source = models.CharField(_("경로"), max_length=10, default="csv")
    rows = models.PositiveIntegerField(_("행 수"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("등록자"),
    )
    imported_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("이용실적 파일")
        verbose_name_plural = _("이용실적 파일")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename or self.source} ({self.rows})"


class DailyUsage(models.Model):
    """Daily usage of one API by one institution: count and amount (KRW)."""

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.PROTECT,
        related_name="daily_usage",
        verbose_name=_("기관"),
    )
    day = models.DateField(_("일자"))
    api = models.CharField(_("API"), max_length=20, choices=UsageApi.choices)
    count = models.PositiveBigIntegerField(_("건수"))
    amount_krw = models.PositiveBigIntegerField(_("금액(원)"), default=0)
    source = models.ForeignKey(
        UsageImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("등록 근거"),
    )
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        verbose_name = _("일별 이용실적")
        verbose_name_plural = _("일별 이용실적")
        ordering = ["-day", "institution_id", "api"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "day", "api"], name="one_usage_row_per_day_and_api"
            )
        ]
        indexes = [models.Index(fields=["day", "institution"], name="usage_day_institution")]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.day} {self.api}: {self.count}"


class BillingRun(models.Model):
    """One billing of a month; its row is the lock that makes re-running a month harmless."""

    month = models.DateField(_("청구 월"), unique=True)
    started_at = models.DateTimeField(_("시작 시각"), auto_now_add=True)
    finished_at = models.DateTimeField(_("완료 시각"), null=True, blank=True)
    invoices_created = models.PositiveIntegerField(_("생성된 청구서"), default=0)

    class Meta:
        verbose_name = _("월 청구 실행")
        verbose_name_plural = _("월 청구 실행")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class InvoiceQuerySet(models.QuerySet):
    def unpaid(self):
        return self.filter(paid_at=None)

    def overdue(self, today):
        """Past the due date and unpaid: a missed payment (DOMAIN §9)."""
        return self.filter(paid_at=None, due_on__lt=today)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if staff_may(user, "operations.view_invoice"):
            return self
        return self.filter(institution__memberships__user=user)


def _invoice_path(instance, filename: str) -> str:
    return f"invoices/{secrets.token_hex(16)}.pdf"


class Invoice(models.Model):
    """The monthly institution fee (이용기관 수수료, DOMAIN §5.2), frozen when issued."""

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("기관"),
    )
    month = models.DateField(_("이용 월"))
    number = models.CharField(_("청구서 번호"), max_length=30, unique=True)
    size_class = models.CharField(_("규모 구분"), max_length=20)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("적용 수수료 정책"),
    )
    issued_on = models.DateField(_("발행일"))
    due_on = models.DateField(_("납부 기한"), db_index=True)
    processing_total_krw = models.BigIntegerField(_("처리대행비용 합계(원)"))
    main_bank_total_krw = models.BigIntegerField(_("주거래은행 수수료 합계(원)"))
    total_krw = models.BigIntegerField(_("청구 금액(원)"))
    paid_krw = models.BigIntegerField(_("납부 금액(원)"), default=0)
    paid_at = models.DateTimeField(_("완납 시각"), null=True, blank=True, db_index=True)
    # The frozen data the PDF is rendered from (STYLE §17).
    data = models.JSONField(_("청구 내용"), default=dict)
    file = models.FileField(_("PDF"), upload_to=_invoice_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    reminded_before_at = models.DateTimeField(_("기한 전 안내 시각"), null=True, blank=True)
    reminded_after_at = models.DateTimeField(_("기한 후 독촉 시각"), null=True, blank=True)
    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("수수료 청구서")
        verbose_name_plural = _("수수료 청구서")
        ordering = ["-month", "institution_id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "month"], name="one_invoice_per_month"),
            models.CheckConstraint(
                condition=models.Q(total_krw__gte=0), name="invoice_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding_krw(self) -> int:
        return max(self.total_krw - self.paid_krw, 0)

    @property
    def is_ready(self) -> bool:
        return bool(self.file and self.sha256)


class LineKind(models.TextChoices):
    PROCESSING = "processing", _("처리대행비용")
    MAIN_BANK = "main_bank", _("주거래은행 수수료")


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("청구서")
    )
    kind = models.CharField(_("구분"), max_length=20, choices=LineKind.choices)
    api = models.CharField(_("API"), max_length=20, choices=UsageApi.choices)
    tier = models.CharField(_("적용 단가"), max_length=20, blank=True)  # basic / reduced / agreed
    count = models.BigIntegerField(_("건수"))
    amount_krw = models.BigIntegerField(_("이체 금액(원)"), default=0)
    unit_cost_krw = models.PositiveIntegerField(_("건당 단가(원)"))
    total_krw = models.BigIntegerField(_("금액(원)"))

    class Meta:
        verbose_name = _("청구 내역")
        verbose_name_plural = _("청구 내역")
        ordering = ["invoice", "kind", "api"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_api_display()} {self.total_krw}"


class Payment(models.Model):
    """A payment recorded by staff or imported; `reference` makes imports idempotent."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("청구서")
    )
    amount_krw = models.PositiveBigIntegerField(_("납부 금액(원)"))
    paid_on = models.DateField(_("납부일"))
    reference = models.CharField(_("납부 참조번호"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("등록자"),
    )
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("수수료 납부")
        verbose_name_plural = _("수수료 납부")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "reference"], name="one_payment_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount_krw}"


class SubMerchantQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SubMerchant.Status.APPROVED)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if staff_may(user, "operations.view_submerchant"):
            return self
        return self.filter(institution__memberships__user=user)


class SubMerchant(StaffDecision):
    """A sub-merchant (하위사업자, DOMAIN §8): submitted with its self-check, approved by the centre."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("승인 대기")
        APPROVED = "approved", _("승인")
        REJECTED = "rejected", _("반려")

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.PROTECT,
        related_name="sub_merchants",
        verbose_name=_("이용기관"),
    )
    name = models.CharField(_("하위사업자명"), max_length=200)
    business_registration_number = models.CharField(_("사업자등록번호"), max_length=10)
    business_description = models.TextField(_("업종·사업 내용"))
    # {exclusion or excluded-service code: True if it applies}; every listed code answered.
    self_check = models.JSONField(_("제외대상 자체점검 결과"), default=dict)
    self_check_clear = models.BooleanField(_("자체점검 결과 해당 없음"), default=False)
    screening = models.JSONField(_("자동 심사 결과"), default=dict, blank=True)
    flagged = models.BooleanField(_("심사 주의"), default=False)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("제출자"),
    )
    submitted_at = models.DateTimeField(_("제출 시각"), auto_now_add=True)
    decision_note = models.TextField(_("처리 의견"), blank=True)

    objects = SubMerchantQuerySet.as_manager()

    class Meta:
        verbose_name = _("하위사업자")
        verbose_name_plural = _("하위사업자")
        ordering = ["institution_id", "name"]
        permissions = [("decide_submerchant", _("하위사업자 승인·반려"))]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "business_registration_number"],
                condition=~models.Q(status="rejected"),
                name="one_live_submerchant_per_brn",
                violation_error_message=_("이미 등록(또는 승인 대기 중)된 하위사업자입니다."),
            )
        ]

    def get_status_display(self) -> str:
        # Django's generated method hashes every lazy label (a translation each) on each call;
        # the sub-merchant list calls it once per row.
        return str(self.Status(self.status).label) if self.status in self.Status else self.status

    def __str__(self) -> str:
        return f"{self.name} ({self.business_registration_number})"


class SanctionTrigger(models.TextChoices):
    """DOMAIN §9 — the recorded reason of a suspension or termination."""

    IDENTITY_FRAUD = "identity_fraud", _("타인 명의 사용, 허위 기재 또는 허위 서류 제출")
    UNAUTHORISED_WITHDRAWAL = "unauthorised_withdrawal", _("고객 동의 없는 계좌 출금")
    UNPAID_FEES = "unpaid_fees", _("이용기관 수수료 3회 이상 미납")
    EXCLUDED = "excluded", _("제외대상 해당 또는 제외서비스 운영 (하위사업자 포함)")
    SUPERVISOR_RECOMMENDATION = "supervisor_recommendation", _("금융감독당국의 해지 권고")
    BANK_REQUEST_OR_BREACH = "bank_request_or_breach", _("참가은행의 해지 요청 또는 이용약관 위반")


class SanctionCase(StaffDecision):
    """One §9 case: trigger and evidence; staff confirmation runs the lifecycle transition."""

    class Action(models.TextChoices):
        SUSPEND = "suspend", _("이용 중지")
        TERMINATE = "terminate", _("해지")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("처리 대기")
        CONFIRMED = "confirmed", _("확정 (처리 완료)")
        DISMISSED = "dismissed", _("기각")

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="sanction_cases",
        verbose_name=_("이용신청"),
    )
    trigger = models.CharField(
        _("사유 (DOMAIN §9)"), max_length=40, choices=SanctionTrigger.choices
    )
    action = models.CharField(
        _("조치"), max_length=20, choices=Action.choices, default=Action.SUSPEND
    )
    evidence = models.TextField(_("근거"))
    evidence_data = models.JSONField(_("근거 자료"), default=dict, blank=True)
    evidence_file = models.FileField(_("근거 파일"), upload_to="sanctions/", blank=True)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    proposed_by_system = models.BooleanField(_("시스템 제안"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("등록자"),
    )
    opened_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    decision_reason = models.TextField(_("처리 사유"), blank=True)

    class Meta:
        verbose_name = _("이용중지·해지 사안")
        verbose_name_plural = _("이용중지·해지 사안")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "trigger"],
                condition=models.Q(status="proposed"),
                name="one_open_case_per_trigger",
                violation_error_message=_("같은 사유로 처리 대기 중인 사안이 이미 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_trigger_display()}"
