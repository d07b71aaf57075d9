from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Bank(models.Model):
    """A participating bank (참가은행, DOMAIN §5.1) — data, so new members join without code."""

    code = models.CharField(_("은행 코드"), max_length=3, unique=True)
    name = models.CharField(_("은행명"), max_length=50)
    name_en = models.CharField(_("영문명"), max_length=50, blank=True)
    active = models.BooleanField(_("참가 중"), default=True)
    joined_on = models.DateField(_("참가일"), null=True, blank=True)

    class Meta:
        verbose_name = _("참가은행")
        verbose_name_plural = _("참가은행")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contract(models.Model):
    """The single contract between the institution and the centre (DOMAIN §5)."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("이용신청"),
    )
    main_bank = models.ForeignKey(
        Bank,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("주거래은행"),
    )
    signed_at = models.DateTimeField(_("계약 체결 시각"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("체결 처리자"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("계약")
        verbose_name_plural = _("계약")

    def __str__(self) -> str:
        return f"{self.application} — {self.main_bank or '-'}"
