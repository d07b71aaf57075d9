from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyKind(models.TextChoices):
    SIZE_CLASS = "size_class", _("규모 구분 기준")
    REVIEW_TARGETS = "review_targets", _("심사 목표 기간")
    SELF_CERTIFICATION = "self_certification", _("자체인증 평가 기준")
    CENTRE_GUARANTEE = "centre_guarantee", _("센터 보증 평가 기준")
    FEES = "fees", _("처리대행비용·경감 기준")
    ELIGIBILITY_RULES = "eligibility_rules", _("이용대상·제외대상 심사 규칙")
    MONITORING = "monitoring", _("모니터링 규칙")
    CALENDAR = "calendar", _("영업일 달력 조정 (임시공휴일 등)")


LATEST_FIRST = ("-effective_from", "-id")


class PolicyVersionQuerySet(models.QuerySet):
    def in_force(self, kind: str, on=None) -> "PolicyVersion":
        """The version of `kind` whose effective date is the latest one not after `on`."""
        from .memo import remembered

        on = on or timezone.localdate()
        version = remembered(
            self._memo_key(kind, on),
            lambda: self.filter(kind=kind, effective_from__lte=on).order_by(*LATEST_FIRST).first(),
        )
        if version is None:
            raise PolicyVersion.DoesNotExist(f"no {kind} policy in force on {on}")
        return version

    def remember_in_force(self, kinds, on) -> None:
        """Read the versions of several kinds in force on `on` in one query into the request's memo,
        where `in_force` finds them (a kind without a version as None, as `in_force` holds it)."""
        from .memo import remember_many

        latest = self.filter(kind=OuterRef("kind"), effective_from__lte=on).order_by(*LATEST_FIRST)
        versions = self.filter(kind__in=kinds, pk=Subquery(latest.values("pk")[:1])).order_by()
        found = {version.kind: version for version in versions}
        remember_many({self._memo_key(kind, on): found.get(kind) for kind in kinds})

    def _memo_key(self, kind: str, on) -> tuple:
        return (self.db, kind, on)


class PolicyVersion(models.Model):
    """Board-set rules as data (DOMAIN §5.2, §6): each change is a new version with an effective date.

    A version whose effective date has arrived is in use and can no longer be edited; staff add a
    new version instead, so every past evaluation can be reproduced from the version it recorded.
    """

    kind = models.CharField(_("정책 종류"), max_length=40, choices=PolicyKind.choices)
    effective_from = models.DateField(_("시행일"))
    data = models.JSONField(_("정책 값"))
    note = models.CharField(_("변경 사유"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("작성자"),
    )
    created_at = models.DateTimeField(_("작성 시각"), auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("정책 버전")
        verbose_name_plural = _("정책 버전")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="one_policy_version_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.effective_from:%Y-%m-%d}"

    @property
    def is_in_use(self) -> bool:
        return self.pk is not None and self.effective_from <= timezone.localdate()
