"""Issue 10 item 3 — approval chains configurable by staff: per decision, the levels and the
permission each level needs (versioned by effective date), and one record per level decided."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    APPROVE = "approve", _("이용 승인")
    SIGN = "sign", _("계약 서명")
    SUSPEND = "suspend", _("이용 중지")
    TERMINATE = "terminate", _("해지")


# Default chain = one level with today's permission, so everything keeps working unconfigured.
DEFAULT_LEVELS = {
    Decision.APPROVE: ["applications.decide_application"],
    Decision.SIGN: ["applications.advance_application"],  # as contracts.signing requires
    Decision.SUSPEND: ["applications.suspend_application"],
    Decision.TERMINATE: ["applications.suspend_application"],
}


class ApprovalChainQuerySet(models.QuerySet):
    def in_force(self, decision: str, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return (
            self.filter(decision=decision, effective_from__lte=on)
            .order_by("-effective_from", "-id")
            .first()
        )


def validate_levels(value):
    if not isinstance(value, list) or not value:
        raise ValidationError(_("단계는 권한 코드네임 목록이어야 합니다 (1개 이상)."))
    for perm in value:
        if not isinstance(perm, str) or perm.count(".") != 1:
            raise ValidationError(
                _("'%(perm)s'은(는) 'app.codename' 형식이 아닙니다."), params={"perm": perm}
            )


class ApprovalChain(models.Model):
    """One version of a decision's chain; a new version takes effect from its date."""

    decision = models.CharField(_("결정"), max_length=20, choices=Decision.choices)
    levels = models.JSONField(
        _("단계별 필요 권한"),
        validators=[validate_levels],
        help_text=_('예: ["applications.decide_application", "approvals.approve_level2"]'),
    )
    effective_from = models.DateField(_("시행일"))
    note = models.CharField(_("비고"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)

    objects = ApprovalChainQuerySet.as_manager()

    class Meta:
        verbose_name = _("결재 단계 설정")
        verbose_name_plural = _("결재 단계 설정")
        ordering = ["decision", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "effective_from"], name="one_chain_per_decision_and_day"
            )
        ]
        permissions = [("approve_level2", _("2단계 결재 가능"))]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.effective_from}, {len(self.levels)}단계)"

    @property
    def in_use(self) -> bool:
        return self.effective_from <= timezone.localdate()


class ApprovalRecord(models.Model):
    """One level of one decision, with its reviewer, time and comment."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="approval_records",
        verbose_name=_("이용신청"),
    )
    decision = models.CharField(_("결정"), max_length=20, choices=Decision.choices)
    level = models.PositiveSmallIntegerField(_("단계"))
    of_levels = models.PositiveSmallIntegerField(_("전체 단계 수"))
    chain = models.ForeignKey(
        ApprovalChain, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("결재 단계")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("결재자"),
    )
    at = models.DateTimeField(_("결재 시각"), default=timezone.now)
    comment = models.TextField(_("의견"), blank=True)
    reason = models.TextField(_("사유"), blank=True)
    closed = models.BooleanField(_("완결"), default=False)
    cancelled_at = models.DateTimeField(
        _("취소 시각"),
        null=True,
        blank=True,
        help_text=_("결정이 더 이상 필요 없게 되어(철회, 다른 처리, 결재 단계 변경) 취소된 시각."),
    )
    cancel_reason = models.CharField(_("취소 사유"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("결재 기록")
        verbose_name_plural = _("결재 기록")
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_decision_display()} {self.level}/{self.of_levels}"
