"""Issue 10 item 4 — notices with context: one row per recipient and event, the in-portal inbox and
the log of what was e-mailed (staff read it in the admin)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    STATE_CHANGE = "state_change", _("신청 상태 변경")
    REVIEW_REQUEST = "review_request", _("심사·점검 요청 및 결과")
    SLA = "sla", _("SLA 임박·초과 (센터)")
    SECURITY_VALIDITY = "security_validity", _("보안점검 유효기간")
    BILLING = "billing", _("수수료 청구·납부")
    MONITORING = "monitoring", _("이용 모니터링 안내")
    SANCTION = "sanction", _("이용중지·해지 검토 (센터)")
    MONITORING_WARNING = "monitoring_warning", _("모니터링 경고 확인 (센터)")
    REQUEST_RECEIVED = "request_received", _("기관의 요청 접수 (센터)")


# Notices the centre must be able to prove it sent (이용중지·해지 통지, 미납 안내, 모니터링 주의 안내):
# e-mail goes out whatever the preference; only the in-portal copy can be switched off.
MANDATORY_EMAIL_CATEGORIES = frozenset({Category.BILLING, Category.MONITORING})


class EmailStatus(models.TextChoices):
    SENT = "sent", _("발송")
    OPTED_OUT = "opted_out", _("수신 거부로 미발송")
    NO_ADDRESS = "no_address", _("주소 없음")
    FAILED = "failed", _("발송 실패")


class NoticeQuerySet(models.QuerySet):
    def inbox_of(self, user):
        """The notices `user` sees in the portal (the only door for the inbox and its links)."""
        return self.filter(recipient=user, in_portal=True)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("수신자"),
    )
    email = models.EmailField(_("수신 이메일"), blank=True)
    category = models.CharField(_("분류"), max_length=30, choices=Category.choices)
    subject = models.CharField(_("제목"), max_length=255)
    body = models.TextField(_("내용"))
    link = models.CharField(_("바로가기 경로"), max_length=500)
    language = models.CharField(_("언어"), max_length=5, default="ko")
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("이용신청"),
    )
    institution = models.ForeignKey(
        "applications.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("기관"),
    )
    key = models.CharField(_("발송 키"), max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(_("생성 시각"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("읽은 시각"), null=True, blank=True)
    in_portal = models.BooleanField(_("포털 알림"), default=True)
    emailed = models.BooleanField(_("이메일 발송"), default=False)
    email_status = models.CharField(
        _("이메일 상태"), max_length=20, choices=EmailStatus.choices, blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(_("이메일 발송 시도"), default=0)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("알림")
        verbose_name_plural = _("알림 발송 내역")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "in_portal", "read_at"])]
        constraints = [
            # The same event reaches the same address once, however often the task is delivered.
            models.UniqueConstraint(
                fields=["key", "email"], condition=~Q(key=""), name="notice_once_per_key_email"
            )
        ]

    def __str__(self):
        return self.subject


class NoticePreference(models.Model):
    """A user's choice per category; no row means both channels on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notice_preferences",
        verbose_name=_("사용자"),
    )
    category = models.CharField(_("분류"), max_length=30, choices=Category.choices)
    email = models.BooleanField(_("이메일"), default=True)
    portal = models.BooleanField(_("포털 알림"), default=True)

    class Meta:
        verbose_name = _("알림 수신 설정")
        verbose_name_plural = _("알림 수신 설정")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notice_pref_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.category}"
