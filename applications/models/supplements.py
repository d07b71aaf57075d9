"""A staff request for supplementary items (보완 요청), listing exactly what the applicant must redo."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .application import Application


class SupplementRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class SupplementRequest(models.Model):
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="supplement_requests",
        verbose_name=_("이용신청"),
    )
    items = models.JSONField(_("보완 항목"))  # codes from applications.supplement_items
    message = models.TextField(_("요청 내용"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("요청자"),
    )
    requested_at = models.DateTimeField(_("요청 시각"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("보완 제출 시각"), null=True, blank=True)

    objects = SupplementRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("보완 요청")
        verbose_name_plural = _("보완 요청")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application} — {self._meta.verbose_name} {self.requested_at:%Y-%m-%d}"


class ReviewQueueItem(Application):
    """The staff review queue: applications waiting for an approval decision (admin changelist)."""

    class Meta:
        proxy = True
        verbose_name = _("심사 대기 신청")
        verbose_name_plural = _("심사 대기열 (이용승인)")
