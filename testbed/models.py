"""The developer testbed (DOMAIN §2 step 2, §10): test keys, synthetic bank data, and the call log.

Test client credentials are django-oauth-toolkit applications; `TestClient` ties one to an
institution. The synthetic users, accounts and transactions are generated per institution from a
seed of its id (`testbed.synthetic`) and persisted lazily, so balances move with simulated
transfers. `TestbedCall` is the evidence the functional test rests on.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class TestbedProfile(models.Model):
    """Per-institution testbed settings (sub-merchants until the contract app models them)."""

    __test__ = False  # not a pytest class

    institution = models.OneToOneField(
        "applications.Institution",
        on_delete=models.CASCADE,
        related_name="testbed_profile",
        verbose_name=_("기관"),
    )
    has_sub_merchants = models.BooleanField(
        _("하위사업자 있음"),
        default=False,
        help_text=_("있으면 이체 요청에 하위가맹점명·사업자등록번호가 있어야 합니다 (DOMAIN §8)."),
    )
    seeded_at = models.DateTimeField(_("합성 데이터 생성 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("테스트베드 설정")
        verbose_name_plural = _("테스트베드 설정")

    def __str__(self) -> str:
        return str(self.institution)


class TestClient(models.Model):
    """Test API keys of an institution: one OAuth 2.0 client (client id + hashed secret)."""

    __test__ = False  # not a pytest class

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.CASCADE,
        related_name="testbed_clients",
        verbose_name=_("기관"),
    )
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="testbed_client",
        verbose_name=_("OAuth 클라이언트"),
    )
    client_id = models.CharField(_("클라이언트 ID"), max_length=100, db_index=True)
    name = models.CharField(_("이름"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("발급자"),
    )
    created_at = models.DateTimeField(_("발급 시각"), default=timezone.now)
    rotated_at = models.DateTimeField(_("시크릿 재발급 시각"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("폐기 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("테스트 API 키")
        verbose_name_plural = _("테스트 API 키")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.application_id is not None


class SimUser(models.Model):
    """A synthetic end user (사용자) of the institution's service."""

    institution = models.ForeignKey(
        "applications.Institution", on_delete=models.CASCADE, related_name="+"
    )
    user_seq_no = models.CharField(_("사용자일련번호"), max_length=10)
    user_ci = models.CharField(_("사용자 CI"), max_length=100)
    user_name = models.CharField(_("이름"), max_length=50)
    birth_date = models.CharField(_("생년월일"), max_length=8)
    user_email = models.CharField(_("이메일"), max_length=100, blank=True)
    unlinked_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("가상 사용자")
        verbose_name_plural = _("가상 사용자")
        ordering = ["user_seq_no"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "user_ci"], name="one_sim_user_per_ci"),
            models.UniqueConstraint(
                fields=["institution", "user_seq_no"], name="one_sim_user_per_seq_no"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_name} ({self.user_seq_no})"


class SimAccount(models.Model):
    """A synthetic registered account (등록계좌) with a balance that simulated transfers move."""

    class State(models.TextChoices):
        ACTIVE = "01", _("사용")
        CANCELLED = "09", _("해지")

    institution = models.ForeignKey(
        "applications.Institution", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(SimUser, on_delete=models.CASCADE, related_name="accounts")
    fintech_use_num = models.CharField(_("핀테크이용번호"), max_length=24, unique=True)
    bank_code_std = models.CharField(_("은행 코드"), max_length=3)
    bank_name = models.CharField(_("은행명"), max_length=50)
    account_num = models.CharField(_("계좌번호"), max_length=16)
    account_seq = models.CharField(_("회차번호"), max_length=3, blank=True)
    account_alias = models.CharField(_("계좌 별명"), max_length=50, blank=True)
    account_type = models.CharField(_("계좌 종류"), max_length=1, default="1")
    product_name = models.CharField(_("상품명"), max_length=100)
    balance_amt = models.BigIntegerField(_("잔액(원)"))
    inquiry_agree_dtime = models.CharField(max_length=14, blank=True)
    transfer_agree_dtime = models.CharField(max_length=14, blank=True)
    account_state = models.CharField(max_length=2, choices=State.choices, default=State.ACTIVE)
    opened_on = models.CharField(max_length=8)

    class Meta:
        verbose_name = _("가상 계좌")
        verbose_name_plural = _("가상 계좌")
        ordering = ["fintech_use_num"]
        indexes = [models.Index(fields=["institution", "bank_code_std", "account_num"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance_amt__gte=0), name="sim_balance_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_num_masked}"

    @property
    def account_num_masked(self) -> str:
        return self.account_num[:-3] + "***"

    @property
    def inquiry_agreed(self) -> bool:
        return bool(self.inquiry_agree_dtime)

    @property
    def transfer_agreed(self) -> bool:
        return bool(self.transfer_agree_dtime)


class SimTransaction(models.Model):
    """A line of an account's transaction history (거래내역)."""

    account = models.ForeignKey(SimAccount, on_delete=models.CASCADE, related_name="transactions")
    tran_at = models.DateTimeField()
    inout_type = models.CharField(max_length=4)  # 입금 / 출금
    tran_type = models.CharField(max_length=20)
    print_content = models.CharField(max_length=40)
    tran_amt = models.BigIntegerField()
    after_balance_amt = models.BigIntegerField()
    branch_name = models.CharField(max_length=40)

    class Meta:
        ordering = ["tran_at", "id"]
        indexes = [models.Index(fields=["account", "tran_at"])]

    def __str__(self) -> str:
        return f"{self.tran_at:%Y-%m-%d %H:%M} {self.inout_type} {self.tran_amt}"


class SimTransfer(models.Model):
    """A simulated transfer, looked up again by the transfer-result API (이체결과조회)."""

    class Kind(models.TextChoices):
        WITHDRAW = "1", _("출금이체")
        DEPOSIT = "2", _("입금이체")

    institution = models.ForeignKey(
        "applications.Institution", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=1, choices=Kind.choices)
    bank_tran_id = models.CharField(max_length=20)
    bank_tran_date = models.CharField(max_length=8)
    account = models.ForeignKey(
        SimAccount, on_delete=models.SET_NULL, null=True, related_name="transfers"
    )
    tran_amt = models.BigIntegerField()
    bank_rsp_code = models.CharField(max_length=3)
    bank_rsp_message = models.CharField(max_length=100, blank=True)
    counterpart_name = models.CharField(max_length=50, blank=True)
    print_content = models.CharField(max_length=40, blank=True)
    sub_frnc_name = models.CharField(max_length=100, blank=True)
    sub_frnc_business_num = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "bank_tran_id"], name="one_transfer_per_bank_tran_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.bank_tran_id} {self.bank_rsp_code}"


class IssuedToken(models.Model):
    """Which synthetic user an access token speaks for (the operator's `user_seq_no`).

    Linked to the OAuth access token (deleted with it); the refresh token's checksum lets a
    refreshed token keep its user without relying on the token library's internals.
    """

    access_token = models.OneToOneField(
        oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.CASCADE, related_name="testbed"
    )
    client = models.ForeignKey(TestClient, on_delete=models.CASCADE, related_name="+")
    sim_user = models.ForeignKey(SimUser, on_delete=models.CASCADE, null=True, related_name="+")
    refresh_checksum = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"token of {self.client} for {self.sim_user or '-'}"


class Consent(models.Model):
    """A simulated user's consent on the authorize page, carried from the code to the token."""

    client = models.ForeignKey(TestClient, on_delete=models.CASCADE, related_name="+")
    sim_user = models.ForeignKey(SimUser, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=255, unique=True)
    scope = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.sim_user} → {self.client} ({self.scope})"


class TestbedCall(models.Model):
    """One call to the testbed, per institution and API — the functional test's evidence."""

    __test__ = False  # not a pytest class

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.CASCADE,
        related_name="testbed_calls",
        verbose_name=_("기관"),
    )
    client = models.ForeignKey(
        TestClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    api_code = models.CharField(_("API"), max_length=30)
    endpoint = models.CharField(_("경로"), max_length=60)
    api_tran_id = models.CharField(_("거래고유번호(API)"), max_length=40)
    bank_tran_id = models.CharField(_("거래고유번호(참가은행)"), max_length=20, blank=True)
    at = models.DateTimeField(_("호출 시각"), default=timezone.now)
    rsp_code = models.CharField(_("응답코드"), max_length=5)
    http_status = models.PositiveSmallIntegerField(_("HTTP 상태"))

    class Meta:
        verbose_name = _("테스트베드 호출")
        verbose_name_plural = _("테스트베드 호출")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["institution", "api_code", "at"])]

    def __str__(self) -> str:
        return f"{self.api_code} {self.rsp_code} {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.rsp_code == "A0000"
