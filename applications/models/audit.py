from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("the audit log is append-only")

    def delete(self):
        raise PermissionDenied("the audit log is append-only")


class AuditEntry(models.Model):
    """One state change or staff/applicant action, append-only (pretix's log_action pattern).

    `action` is a dotted code (`application.approved`, `contract.signed`). On PostgreSQL a trigger
    also refuses UPDATE and DELETE on the table (migration 0002).
    """

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="audit_entries",
        null=True,
        blank=True,
        verbose_name=_("이용신청"),
    )
    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.PROTECT,
        related_name="audit_entries",
        null=True,
        blank=True,
        verbose_name=_("기관"),
    )
    action = models.CharField(_("행위"), max_length=60, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("처리자"),
    )
    at = models.DateTimeField(_("시각"), auto_now_add=True, db_index=True)
    from_state = models.CharField(_("이전 상태"), max_length=30, blank=True)
    to_state = models.CharField(_("이후 상태"), max_length=30, blank=True)
    reason = models.TextField(_("사유"), blank=True)
    data = models.JSONField(_("상세"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("the audit log is append-only")

    @property
    def actor_label(self) -> str:
        if self.actor is None:
            return str(_("시스템"))
        return str(_("센터 담당자")) if self.actor.is_staff else self.actor.email

    @property
    def action_label(self) -> str:
        from ..audit_labels import action_label

        return action_label(self.action)

    def from_state_label(self) -> str:
        from .application import State

        return State(self.from_state).label if self.from_state in State.values else self.from_state

    def to_state_label(self) -> str:
        from .application import State

        return State(self.to_state).label if self.to_state in State.values else self.to_state
