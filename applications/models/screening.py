"""Screening rules as versioned data, and every result the engine produced (DOMAIN §3, §4)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openbanking_portal.kept import Kept

from .application import Application

# The rule set in force, read by the wizard, the completeness check and every sub-merchant page: kept
# per day until a version is saved or deleted (ApplicationsConfig.ready).
IN_FORCE = Kept("screening-rules", seconds=300, refresh=lambda: ScreeningRuleSet.objects.in_force())


class ScreeningRuleSetQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> "ScreeningRuleSet":
        on = on or timezone.localdate()
        if self.query.has_filters():  # a narrowed set: not the one kept
            return self._in_force(on)
        return IN_FORCE.get(on.isoformat(), lambda: self._in_force(on))

    def _in_force(self, on: datetime.date) -> "ScreeningRuleSet":
        ruleset = self.filter(effective_from__lte=on).order_by("-effective_from", "-id").first()
        if ruleset is None and not self.exists():
            # The data migration loads the seed; a flushed database (transactional tests, a
            # restored dump without it) gets the same seed back rather than failing every page.
            from ..screening_rules import (
                DEFAULT_EFFECTIVE_FROM,
                DEFAULT_RULES,
                DEFAULT_RULES_VERSION,
            )

            ruleset, _created = self.get_or_create(
                version=DEFAULT_RULES_VERSION,
                defaults={"effective_from": DEFAULT_EFFECTIVE_FROM, "rules": DEFAULT_RULES},
            )
            if ruleset.effective_from > on:
                ruleset = None
        if ruleset is None:
            raise ScreeningRuleSet.DoesNotExist(f"no screening rule set in force on {on}")
        return ruleset


class ScreeningRuleSet(models.Model):
    """One version of the eligibility/exclusion rules; a version in use is never edited."""

    version = models.CharField(_("버전"), max_length=30, unique=True)
    effective_from = models.DateField(_("시행일"), unique=True)
    rules = models.JSONField(_("규칙"))
    note = models.CharField(_("변경 사유"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("작성자"),
    )
    created_at = models.DateTimeField(_("작성 시각"), auto_now_add=True)

    objects = ScreeningRuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("적격성 심사 규칙")
        verbose_name_plural = _("적격성 심사 규칙")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.version} ({self.effective_from:%Y-%m-%d})"

    def clean(self) -> None:
        """Refuse rule data the engine cannot run, before it reaches a submission."""
        from django.core.exceptions import ValidationError

        from ..screening import rules_problems

        problems = rules_problems(self.rules)
        if problems:
            raise ValidationError({"rules": problems})

    @property
    def is_in_use(self) -> bool:
        return self.pk is not None and (
            self.effective_from <= timezone.localdate() or self.results.exists()
        )


class ScreeningResult(models.Model):
    class Trigger(models.TextChoices):
        SUBMITTED = "submitted", _("신청 접수")
        RESUBMITTED = "resubmitted", _("보완 제출")
        MANUAL = "manual", _("담당자 재실행")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="screenings",
        verbose_name=_("이용신청"),
    )
    ruleset = models.ForeignKey(
        ScreeningRuleSet,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("규칙 버전"),
    )
    trigger = models.CharField(_("실행 계기"), max_length=20, choices=Trigger.choices)
    ran_at = models.DateTimeField(_("실행 시각"), default=timezone.now)
    basis_found = models.BooleanField(_("이용 자격 근거 확인"))
    flagged = models.BooleanField(_("검토 필요"))
    result = models.JSONField(_("결과 상세"))

    class Meta:
        verbose_name = _("적격성 자동 심사 결과")
        verbose_name_plural = _("적격성 자동 심사 결과")
        ordering = ["-ran_at", "-id"]
        get_latest_by = "ran_at"

    def __str__(self) -> str:
        return f"{self.application} @ {self.ran_at:%Y-%m-%d %H:%M}"
