"""Functional-test and security-check records (DOMAIN §2 steps 2-3, §7).

The application's own state machine says which step it is in; the rows here hold what happens
inside a step: the functional-test application and its rounds of checklist items, and the two
security checks with their findings and remediation rounds.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from .api_catalogue import API_CHOICES, api_label

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def private_upload_path(instance, filename: str) -> str:
    # The user's file name is kept in `*_name` only; the stored name reveals nothing.
    return f"reviews/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


def validate_upload_size(file) -> None:
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("파일은 20MB 이하여야 합니다."), code="file_too_large")


# --- security-check agencies (보안점검기관) ----------------------------------------------------


class Agency(models.Model):
    """A designated security-check agency (DOMAIN §1, §7)."""

    name = models.CharField(_("기관명"), max_length=200, unique=True)
    contact_name = models.CharField(_("담당자 이름"), max_length=100)
    email = models.EmailField(_("담당자 이메일"))
    phone = models.CharField(_("담당자 전화번호"), max_length=30)
    is_active = models.BooleanField(_("지정 중"), default=True)

    class Meta:
        verbose_name = _("보안점검기관")
        verbose_name_plural = _("보안점검기관")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agency_memberships",
        verbose_name=_("사용자"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("보안점검기관")
    )

    class Meta:
        verbose_name = _("보안점검기관 사용자")
        verbose_name_plural = _("보안점검기관 사용자")
        constraints = [models.UniqueConstraint(fields=["user"], name="one_agency_per_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"


# --- functional test (기능테스트) --------------------------------------------------------------


class FunctionalTestRequest(models.Model):
    """기능테스트 신청서: the functions (APIs) the service uses and how to reach the test build."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="functional_test_request",
        verbose_name=_("이용신청"),
    )
    test_build = models.TextField(
        _("테스트 빌드 접속 방법"),
        help_text=_("테스트 앱·웹 주소, 테스트 계정 등 센터가 점검에 쓸 접속 정보"),
    )
    submitted_at = models.DateTimeField(_("제출 시각"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("제출자"),
    )
    updated_at = models.DateTimeField(_("수정 시각"), auto_now=True)

    class Meta:
        verbose_name = _("기능테스트 신청서")
        verbose_name_plural = _("기능테스트 신청서")

    def __str__(self) -> str:
        return f"{self.application} — {self._meta.verbose_name}"


class FunctionalTestFunction(models.Model):
    request = models.ForeignKey(
        FunctionalTestRequest,
        on_delete=models.CASCADE,
        related_name="functions",
        verbose_name=_("기능테스트 신청서"),
    )
    api_code = models.CharField(_("API"), max_length=40, choices=API_CHOICES)
    usage = models.TextField(_("이용 내용"))

    class Meta:
        verbose_name = _("점검 대상 기능")
        verbose_name_plural = _("점검 대상 기능")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "api_code"], name="one_function_per_api")
        ]

    def __str__(self) -> str:
        return api_label(self.api_code)


class RoundOutcome(models.TextChoices):
    OPEN = "open", _("점검 중")
    PASSED = "passed", _("통과")
    FAILED = "failed", _("불합격 (보완 요청)")


class FunctionalTestRoundQuerySet(models.QuerySet):
    def with_overdue(self, days: int):
        """Open rounds older than the target duration first (DOMAIN §2, SLA policy)."""
        limit = timezone.now() - datetime.timedelta(days=days)
        return self.annotate(
            is_overdue=models.Case(
                models.When(outcome=RoundOutcome.OPEN, opened_at__lt=limit, then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class FunctionalTestRound(models.Model):
    """One pass of the centre over the checklist; a failed round is kept and the next one opened."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="functional_test_rounds",
        verbose_name=_("이용신청"),
    )
    number = models.PositiveSmallIntegerField(_("차수"))
    test_build = models.TextField(_("테스트 빌드 접속 방법"))
    outcome = models.CharField(
        _("결과"), max_length=10, choices=RoundOutcome.choices, default=RoundOutcome.OPEN
    )
    opened_at = models.DateTimeField(_("점검 요청 시각"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("요청자"),
    )
    closed_at = models.DateTimeField(_("판정 시각"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("판정자"),
    )
    note = models.TextField(_("판정 의견"), blank=True)

    objects = FunctionalTestRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("기능테스트 차수")
        verbose_name_plural = _("기능테스트 차수")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="one_round_number")
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.number}차"


class ItemResult(models.TextChoices):
    PENDING = "pending", _("미점검")
    PASSED = "passed", _("통과")
    FAILED = "failed", _("불합격")


class ChecklistItem(models.Model):
    round = models.ForeignKey(
        FunctionalTestRound, on_delete=models.CASCADE, related_name="items", verbose_name=_("차수")
    )
    api_code = models.CharField(_("API"), max_length=40, choices=API_CHOICES)
    usage = models.TextField(_("이용 내용"))
    result = models.CharField(
        _("결과"), max_length=10, choices=ItemResult.choices, default=ItemResult.PENDING
    )
    note = models.TextField(_("점검 의견"), blank=True)
    evidence = models.FileField(
        _("증빙"),
        upload_to=private_upload_path,
        max_length=200,
        blank=True,
        validators=[validate_upload_size],
    )
    evidence_name = models.CharField(_("증빙 파일명"), max_length=255, blank=True)
    checked_at = models.DateTimeField(_("점검 시각"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("점검자"),
    )

    class Meta:
        verbose_name = _("점검 항목")
        verbose_name_plural = _("점검 항목 (체크리스트)")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "api_code"], name="one_item_per_api")
        ]

    def __str__(self) -> str:
        return api_label(self.api_code)

    @property
    def api_display(self) -> str:
        return api_label(self.api_code)


# --- security check (보안점검) -----------------------------------------------------------------


class CheckKind(models.TextChoices):
    INSTITUTION = "institution", _("이용기관 보안점검")
    VULNERABILITY = "vulnerability", _("핀테크 서비스 취약점 점검")


class CheckStatus(models.TextChoices):
    APPLIED = "applied", _("점검 신청")
    IN_PROGRESS = "in_progress", _("점검 수행 중")
    RESULT_SUBMITTED = "result_submitted", _("결과 제출 (센터 검토 중)")
    REMEDIATION_REQUESTED = "remediation_requested", _("미흡 항목 조치 요청")
    REMEDIATION_SUBMITTED = "remediation_submitted", _("조치 결과 제출 (센터 검토 중)")
    ACCEPTED = "accepted", _("센터 검토 완료")


UNDER_CENTRE_REVIEW = [CheckStatus.RESULT_SUBMITTED, CheckStatus.REMEDIATION_SUBMITTED]


class SecurityCheckQuerySet(models.QuerySet):
    def assigned_to(self, user):
        """An agency user sees only the checks assigned to its agency."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(agency__memberships__user=user)

    def with_overdue(self, days: int):
        limit = timezone.now() - datetime.timedelta(days=days)
        return self.annotate(
            is_overdue=models.Case(
                models.When(
                    ~models.Q(status=CheckStatus.ACCEPTED), applied_at__lt=limit, then=True
                ),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class SecurityCheck(models.Model):
    """One of the two checks (DOMAIN §7): application to the agency, performance, result, review."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="security_checks",
        verbose_name=_("이용신청"),
    )
    kind = models.CharField(_("점검 종류"), max_length=20, choices=CheckKind.choices)
    status = FSMField(
        _("진행 상태"),
        default=CheckStatus.APPLIED,
        choices=CheckStatus.choices,
        protected=True,
        db_index=True,
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="checks", verbose_name=_("보안점검기관")
    )
    agreed_start = models.DateField(_("합의 점검 시작일"))
    agreed_end = models.DateField(_("합의 점검 종료일"))
    applied_at = models.DateTimeField(_("신청 시각"), default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("신청자"),
    )
    started_at = models.DateTimeField(_("점검 시작 시각"), null=True, blank=True)
    result_submitted_at = models.DateTimeField(_("결과 제출 시각"), null=True, blank=True)
    result_summary = models.TextField(_("점검 결과 요약"), blank=True)
    remediation_round = models.PositiveSmallIntegerField(_("조치 차수"), default=0)
    accepted_at = models.DateTimeField(_("검토 완료 시각"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("검토자"),
    )

    objects = SecurityCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("보안점검")
        verbose_name_plural = _("보안점검")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_check_per_kind"),
            models.CheckConstraint(
                condition=models.Q(agreed_end__gte=models.F("agreed_start")),
                name="check_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_kind_display()}"

    # Transitions are run only by the services in reviews/security_check.py.
    @transition(status, source=CheckStatus.APPLIED, target=CheckStatus.IN_PROGRESS)
    def start(self):
        self.started_at = timezone.now()

    @transition(status, source=CheckStatus.IN_PROGRESS, target=CheckStatus.RESULT_SUBMITTED)
    def submit_result(self):
        self.result_submitted_at = timezone.now()

    @transition(status, source=UNDER_CENTRE_REVIEW, target=CheckStatus.REMEDIATION_REQUESTED)
    def request_remediation(self):
        self.remediation_round += 1

    @transition(
        status, source=CheckStatus.REMEDIATION_REQUESTED, target=CheckStatus.REMEDIATION_SUBMITTED
    )
    def submit_remediation(self):
        pass

    @transition(status, source=UNDER_CENTRE_REVIEW, target=CheckStatus.ACCEPTED)
    def accept(self):
        self.accepted_at = timezone.now()


class DocumentKind(models.TextChoices):
    DELIVERABLE = "deliverable", _("산출물 (신청기관 제출)")
    RESULT_REPORT = "result_report", _("점검 결과 보고서")
    REMEDIATION = "remediation", _("조치 결과 증빙")


class CheckDocument(models.Model):
    check_record = models.ForeignKey(
        SecurityCheck,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("보안점검"),
    )
    kind = models.CharField(_("구분"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(
        _("파일"), upload_to=private_upload_path, max_length=200, validators=[validate_upload_size]
    )
    original_name = models.CharField(_("원래 파일명"), max_length=255)
    size = models.PositiveIntegerField(_("크기(바이트)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("제출자"),
    )
    uploaded_at = models.DateTimeField(_("제출 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("보안점검 문서")
        verbose_name_plural = _("보안점검 문서")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Severity(models.TextChoices):
    HIGH = "high", _("상")
    MEDIUM = "medium", _("중")
    LOW = "low", _("하")


class Finding(models.Model):
    """One item of a check's result; a deficient one (미흡) must be remediated."""

    check_record = models.ForeignKey(
        SecurityCheck, on_delete=models.PROTECT, related_name="findings", verbose_name=_("보안점검")
    )
    title = models.CharField(_("점검 항목"), max_length=200)
    description = models.TextField(_("내용"), blank=True)
    severity = models.CharField(_("위험도"), max_length=10, choices=Severity.choices)
    deficient = models.BooleanField(_("미흡"), default=False)
    resolved_at = models.DateTimeField(_("조치 확인 시각"), null=True, blank=True)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("등록자"),
    )

    class Meta:
        verbose_name = _("점검 결과 항목")
        verbose_name_plural = _("점검 결과 항목")
        ordering = ["check_record", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_remediation(self) -> bool:
        return self.deficient and self.resolved_at is None


class Remediation(models.Model):
    """The applicant's answer to a deficient finding in one remediation round (kept per round)."""

    finding = models.ForeignKey(
        Finding,
        on_delete=models.PROTECT,
        related_name="remediations",
        verbose_name=_("점검 결과 항목"),
    )
    round = models.PositiveSmallIntegerField(_("조치 차수"))
    note = models.TextField(_("조치 내용"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("제출자"),
    )
    submitted_at = models.DateTimeField(_("제출 시각"), auto_now_add=True)

    class Meta:
        verbose_name = _("미흡 항목 조치")
        verbose_name_plural = _("미흡 항목 조치")
        ordering = ["finding", "round"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "round"], name="one_remediation_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.finding} — {self.round}차"
