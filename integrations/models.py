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


class WebhookEndpoint(models.Model):
    """An institution's HTTPS receiver for signed events (state changes and staff requests)."""

    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.CASCADE,
        related_name="webhooks",
        verbose_name=_("기관"),
    )
    url = models.URLField(_("수신 URL"), max_length=500)
    secret = models.CharField(_("서명 키"), max_length=64, editable=False)
    active = models.BooleanField(_("사용"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("웹훅")
        verbose_name_plural = _("웹훅")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("대기")
        RETRYING = "retrying", _("재시도 중")
        DELIVERED = "delivered", _("전달됨")
        FAILED = "failed", _("실패")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("이벤트"), max_length=60)
    payload = models.JSONField(_("내용"))
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("시도 횟수"), default=0)
    response_status = models.PositiveIntegerField(_("응답 코드"), null=True, blank=True)
    last_error = models.TextField(_("마지막 오류"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("웹훅 전달 기록")
        verbose_name_plural = _("웹훅 전달 기록")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"


class IdempotentRequest(models.Model):
    """A POST made with an `Idempotency-Key`: repeats get the first answer instead of a second object."""

    identity = models.CharField(max_length=64)  # sha256 of the caller (token or session user)
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity", "key"], name="one_request_per_key")
        ]

    def __str__(self) -> str:
        return self.key
