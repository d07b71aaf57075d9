from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A per-institution API key. Only its SHA-256 is stored; the key is shown once at creation."""

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("기관"),
    )
    name = models.CharField(_("이름"), max_length=100)
    prefix = models.CharField(_("앞자리"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("발급자"),
    )
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("대리 사용자"),
        help_text=_("이 키로 한 일은 이 구성원의 권한으로 처리되고 감사 기록에 남습니다."),
    )
    created_at = models.DateTimeField(_("발급 시각"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("마지막 사용"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("폐기 시각"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 키")
        verbose_name_plural = _("API 키")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
