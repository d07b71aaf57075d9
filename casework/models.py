"""SLA escalations and monitoring warnings (issue 10 items 1 and 5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffDecision


class SlaStep(models.TextChoices):
    APPROVAL = "approval", _("이용승인 심사")
    SUPPLEMENT = "supplement", _("보완 제출 대기")
    FUNCTIONAL_TEST = "functional_test", _("기능테스트")
    SECURITY_CHECK = "security_check", _("보안점검")
    CONTRACT = "contract", _("계약체결")
    BANK_NEGOTIATION = "bank_negotiation", _("개별은행 협의")


# The team lead of each step: members of this group receive the step's escalations.
TEAM_LEAD_GROUPS = {
    SlaStep.APPROVAL: "SLA 팀장 - 이용승인",
    SlaStep.SUPPLEMENT: "SLA 팀장 - 보완",
    SlaStep.FUNCTIONAL_TEST: "SLA 팀장 - 기능테스트",
    SlaStep.SECURITY_CHECK: "SLA 팀장 - 보안점검",
    SlaStep.CONTRACT: "SLA 팀장 - 계약",
    SlaStep.BANK_NEGOTIATION: "SLA 팀장 - 개별은행 협의",
}


class Escalation(models.Model):
    """One SLA breach, recorded once (the stretch is identified by the day its clock started)."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("이용신청"),
    )
    step = models.CharField(_("단계"), max_length=30, choices=SlaStep.choices)
    started_on = models.DateField(_("단계 시작일"))
    elapsed_days = models.PositiveIntegerField(_("경과 영업일"))
    target_days = models.PositiveIntegerField(_("목표 영업일"))
    created_at = models.DateTimeField(_("에스컬레이션 시각"), auto_now_add=True)
    notified_at = models.DateTimeField(_("팀장 통지 시각"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA 초과 에스컬레이션")
        verbose_name_plural = _("SLA 초과 에스컬레이션")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "step", "started_on"], name="one_escalation_per_breach"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_step_display()}"


class ProposedAction(models.TextChoices):
    NOTICE = "notice", _("주의 안내")
    LIMIT_REDUCTION = "limit_reduction", _("한도 축소")
    SUSPENSION_PROPOSAL = "suspension_proposal", _("이용중지 제안")


class MonitoringWarning(StaffDecision):
    """A monitoring rule fired for a live institution on a day; staff confirm or dismiss it."""

    class Status(models.TextChoices):
        OPEN = "open", _("확인 대기")
        CONFIRMED = "confirmed", _("조치 확정")
        DISMISSED = "dismissed", _("기각")

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.PROTECT,
        related_name="monitoring_warnings",
        verbose_name=_("기관"),
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="monitoring_warnings",
        verbose_name=_("이용신청"),
    )
    day = models.DateField(_("기준일"))
    rule_code = models.CharField(_("규칙"), max_length=60)
    proposed_action = models.CharField(
        _("제안 조치"), max_length=30, choices=ProposedAction.choices
    )
    data = models.JSONField(_("근거 자료"), default=dict)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("발생 시각"), auto_now_add=True)
    decision_reason = models.TextField(_("처리 사유"), blank=True)
    notice_sent_at = models.DateTimeField(_("기관 안내 발송 시각"), null=True, blank=True)
    sanction_case = models.ForeignKey(
        "operations.SanctionCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("이용중지 사안"),
    )

    class Meta:
        verbose_name = _("모니터링 경고")
        verbose_name_plural = _("모니터링 경고")
        ordering = ["-day", "-id"]
        permissions = [("decide_monitoringwarning", _("모니터링 경고 확정·기각"))]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "rule_code", "day"], name="one_warning_per_rule_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.rule_code} {self.day}"
