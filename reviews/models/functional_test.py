"""The functional test (기능테스트, DOMAIN §2 step 2): the form, its rounds and checklist items."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..api_catalogue import API_CHOICES, api_label
from .uploads import private_upload_path, validate_upload_size


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
    @staticmethod
    def _overdue(days: int) -> models.Q:
        limit = timezone.now() - datetime.timedelta(days=days)
        # a round left open when the step was passed or abandoned is not waiting
        return models.Q(
            outcome=RoundOutcome.OPEN, application__state="functional_test", opened_at__lt=limit
        )

    def with_overdue(self, days: int):
        """Open rounds older than the target duration first (DOMAIN §2, SLA policy)."""
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
        indexes = [
            # The overdue count (staff dashboard) reads only the open rounds.
            models.Index(
                fields=["opened_at"], condition=models.Q(outcome="open"), name="round_open"
            )
        ]
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
