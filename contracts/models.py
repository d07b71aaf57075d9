import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffDecision


class Bank(models.Model):
    """A participating bank (참가은행, DOMAIN §5.1) — data, so new members join without code."""

    code = models.CharField(_("은행 코드"), max_length=3, unique=True)
    name = models.CharField(_("은행명"), max_length=50)
    name_en = models.CharField(_("영문명"), max_length=50, blank=True)
    active = models.BooleanField(_("참가 중"), default=True)
    joined_on = models.DateField(_("참가일"), null=True, blank=True)

    class Meta:
        verbose_name = _("참가은행")
        verbose_name_plural = _("참가은행")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class GuaranteeType(models.TextChoices):
    """DOMAIN §6 — which guarantee the institution provides."""

    CENTRE = "centre", _("센터 보증 (보증보험)")
    INDIVIDUAL_BANK = "individual_bank", _("개별은행 보증")


class Contract(models.Model):
    """The single contract between the institution and the centre (DOMAIN §5)."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("이용신청"),
    )
    main_bank = models.ForeignKey(
        Bank,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("주거래은행"),
    )
    # DOMAIN §5.2: the main-bank fee is agreed freely between the institution and its bank.
    main_bank_withdrawal_fee_krw = models.PositiveIntegerField(
        _("주거래은행 수수료 — 출금이체 건당(원)"), null=True, blank=True
    )
    main_bank_deposit_fee_krw = models.PositiveIntegerField(
        _("주거래은행 수수료 — 입금이체 건당(원)"), null=True, blank=True
    )
    main_bank_fee_note = models.CharField(_("주거래은행 수수료 비고"), max_length=300, blank=True)
    main_bank_fee_agreed_at = models.DateTimeField(
        _("주거래은행 수수료 합의 기록 시각"), null=True, blank=True
    )
    usage_limit_krw = models.BigIntegerField(_("이용한도(원)"), null=True, blank=True)
    daily_withdrawal_limit_krw = models.BigIntegerField(_("일 출금한도(원)"), null=True, blank=True)
    limits_set_at = models.DateTimeField(_("한도 설정 시각"), null=True, blank=True)
    guarantee_type = models.CharField(
        _("보증수단"), max_length=20, choices=GuaranteeType.choices, blank=True
    )
    signed_at = models.DateTimeField(_("계약 체결 시각"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("체결 처리자"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("계약")
        verbose_name_plural = _("계약")
        permissions = [("view_full_account_number", _("약정계좌 번호 전체 보기"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(usage_limit_krw__gte=0) | models.Q(usage_limit_krw=None),
                name="usage_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(daily_withdrawal_limit_krw__gte=0)
                | models.Q(daily_withdrawal_limit_krw=None),
                name="daily_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.main_bank or '-'}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class AccountPurpose(models.TextChoices):
    FEE_PAYMENT = "fee_payment", _("수수료 납부계좌")
    SETTLEMENT = "settlement", _("정산(모집)계좌")


class ContractAccountQuerySet(models.QuerySet):
    def active(self):
        return self.filter(closed_at=None)


class ContractAccount(models.Model):
    """A contract account (약정계좌, DOMAIN §5): at the main bank, up to 100 per contract."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("계약")
    )
    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="+", verbose_name=_("은행")
    )
    # Digits only; hyphens are presentation.
    account_number = models.CharField(_("계좌번호"), max_length=16)
    purpose = models.CharField(_("용도"), max_length=20, choices=AccountPurpose.choices)
    holder_name = models.CharField(_("예금주"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    closed_at = models.DateTimeField(_("해지 시각"), null=True, blank=True)

    objects = ContractAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("약정계좌")
        verbose_name_plural = _("약정계좌")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "account_number"],
                condition=models.Q(closed_at=None),
                name="one_active_account_number_per_contract",
                violation_error_message=_("이미 등록된 계좌번호입니다."),
            )
        ]

    def __str__(self) -> str:
        from .accounts import mask_account_number

        return f"{self.bank.name} {mask_account_number(self.account_number)}"


class GuaranteeArrangement(models.Model):
    """DOMAIN §6.2/§6.3 — the guarantee of one contract."""

    contract = models.OneToOneField(
        Contract, on_delete=models.PROTECT, related_name="guarantee", verbose_name=_("계약")
    )
    kind = models.CharField(_("보증수단"), max_length=20, choices=GuaranteeType.choices)
    # Centre guarantee (§6.2): composite score → rate → required amount.
    composite_score = models.IntegerField(_("종합점수"), null=True, blank=True)
    rate_percent = models.PositiveIntegerField(
        _("보증 기준(일 출금한도 대비 %)"), null=True, blank=True
    )
    required_amount_krw = models.BigIntegerField(_("필요 보증금액(원)"), null=True, blank=True)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("적용 정책"),
    )
    secured_at = models.DateTimeField(_("보증서(보증보험증권) 확인 시각"), null=True, blank=True)
    # Individual bank guarantee (§6.3): the centre's notice opens a 30-day window.
    notice_on = models.DateField(_("센터 통보일"), null=True, blank=True)
    window_closes_on = models.DateField(_("협의 기한"), null=True, blank=True)
    window_closed_at = models.DateTimeField(_("협의 종료 시각"), null=True, blank=True)
    fell_back_to_centre = models.BooleanField(_("센터 절차로 전환됨"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("보증")
        verbose_name_plural = _("보증")

    def __str__(self) -> str:
        return f"{self.contract.application} — {self.get_kind_display()}"


class BankNegotiation(models.Model):
    """DOMAIN §6.3 — one participating bank's guarantee-limit negotiation."""

    class Status(models.TextChoices):
        NEGOTIATING = "negotiating", _("협의 중")
        AGREED = "agreed", _("합의")
        DECLINED = "declined", _("불합의")

    arrangement = models.ForeignKey(
        GuaranteeArrangement,
        on_delete=models.CASCADE,
        related_name="negotiations",
        verbose_name=_("보증"),
    )
    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="+", verbose_name=_("은행")
    )
    status = models.CharField(
        _("협의 상태"), max_length=20, choices=Status.choices, default=Status.NEGOTIATING
    )
    agreed_limit_krw = models.BigIntegerField(_("합의 한도(원)"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("합의 시각"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("은행별 보증 협의")
        verbose_name_plural = _("은행별 보증 협의")
        ordering = ["bank__code"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "bank"], name="one_negotiation_per_bank")
        ]

    def __str__(self) -> str:
        return f"{self.bank.name}: {self.get_status_display()}"

    @property
    def withdrawal_enabled(self) -> bool:
        """DOMAIN §6.3: withdrawal transfer starts bank by bank as banks agree."""
        return self.status == self.Status.AGREED


def _document_path(instance, filename: str) -> str:
    # A random name: the path reveals neither the institution nor the version.
    return f"contracts/{secrets.token_hex(16)}.pdf"


class ContractDocument(models.Model):
    """One version of the contract PDF (DOMAIN §5). Never overwritten: a change adds a version."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="documents", verbose_name=_("계약")
    )
    version = models.PositiveIntegerField(_("판"))
    # The frozen data the PDF is rendered from (STYLE §17), so later changes never alter it.
    data = models.JSONField(_("계약 내용"))
    reason = models.CharField(_("생성 사유"), max_length=200, blank=True)
    file = models.FileField(_("파일"), upload_to=_document_path, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size_bytes = models.PositiveIntegerField(_("크기(바이트)"), null=True, blank=True)
    created_at = models.DateTimeField(_("생성 요청 시각"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("생성 완료 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("계약서")
        verbose_name_plural = _("계약서")
        ordering = ["contract", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "version"], name="one_document_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.contract.application} v{self.version}"

    @property
    def is_ready(self) -> bool:
        return bool(self.file and self.sha256)


class ContractChangeRequest(StaffDecision):
    """DOMAIN §5 — a contract change (계약변경) of the contract accounts after signing."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("변경 요청")
        APPROVED = "approved", _("승인 (효력 발생 대기)")
        REJECTED = "rejected", _("반려")
        APPLIED = "applied", _("효력 발생")

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("계약")
    )
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    # {"add": [{"account_number", "purpose", "holder_name"}], "close": [account ids]}
    changes = models.JSONField(_("변경 내용"))
    reason = models.TextField(_("변경 사유"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("요청자"),
    )
    requested_at = models.DateTimeField(_("요청 시각"), auto_now_add=True)
    decision_note = models.TextField(_("처리 의견"), blank=True)
    effective_on = models.DateField(_("효력 발생일"), null=True, blank=True)
    applied_at = models.DateTimeField(_("적용 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("계약변경 요청")
        verbose_name_plural = _("계약변경 요청")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.contract.application} — {self.get_status_display()}"
