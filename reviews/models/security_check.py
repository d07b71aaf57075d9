"""The security check (보안점검, DOMAIN §2 step 3, §7): two checks, findings, remediation rounds."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from .agencies import Agency
from .uploads import private_upload_path, validate_upload_size


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

    @staticmethod
    def _overdue(days: int) -> models.Q:
        limit = timezone.now() - datetime.timedelta(days=days)
        return ~models.Q(status=CheckStatus.ACCEPTED) & models.Q(
            application__state="security_check", applied_at__lt=limit
        )

    def with_overdue(self, days: int):
        return self.annotate(
            is_overdue=models.Case(
                models.When(self._overdue(days), then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )

    def overdue(self, days: int):
        """The same rule as a filter the database can serve from its indexes (not a CASE)."""
        return self.filter(self._overdue(days))


class SecurityCheck(FSMModelMixin, models.Model):
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

    valid_until = models.DateField(
        _("유효기간 만료일"),
        null=True,
        blank=True,
        help_text=_(
            "점검기관이 정한 점검 결과의 유효기간. 비어 있으면 만료일이 기록되지 않은 것입니다."
        ),
    )
    validity_reminded_for = models.DateField(
        _("만료 안내를 보낸 만료일"), null=True, blank=True, editable=False
    )
    recheck_required_at = models.DateTimeField(
        _("재점검 요구 시각"),
        null=True,
        blank=True,
        help_text=_("서비스·앱을 바꾸는 계약 변경으로 새 취약점 점검이 필요해진 시각."),
    )

    objects = SecurityCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("보안점검")
        verbose_name_plural = _("보안점검")
        ordering = ["application", "kind"]
        indexes = [
            # The overdue count (staff dashboard) reads only the checks not yet accepted: a few
            # hundred of the operator's ten thousand.
            models.Index(
                fields=["applied_at"],
                condition=~models.Q(status="accepted"),
                name="security_check_not_accepted",
            )
        ]
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
        self.recheck_required_at = None

    @transition(status, source=CheckStatus.ACCEPTED, target=CheckStatus.APPLIED)
    def reopen(self):
        """A contract change touching the services or the app asks for a new check round."""
        self.recheck_required_at = timezone.now()
        self.accepted_at = None
        self.accepted_by = None
        self.started_at = None
        self.result_submitted_at = None
        self.valid_until = None
        self.validity_reminded_for = None


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
