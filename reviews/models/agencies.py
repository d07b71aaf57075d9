"""Designated security-check agencies (보안점검기관, DOMAIN §1, §7) and their users."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A designated security-check agency (DOMAIN §1, §7)."""

    name = models.CharField(_("기관명"), max_length=200, unique=True)
    contact_name = models.CharField(_("담당자 이름"), max_length=100)
    email = models.EmailField(_("담당자 이메일"))
    phone = models.CharField(_("담당자 전화번호"), max_length=30)
    is_active = models.BooleanField(_("지정 중"), default=True)

    class Meta:
        verbose_name = _("보안점검기관")
        verbose_name_plural = _("보안점검기관")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agency_memberships",
        verbose_name=_("사용자"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("보안점검기관")
    )

    class Meta:
        verbose_name = _("보안점검기관 사용자")
        verbose_name_plural = _("보안점검기관 사용자")
        constraints = [models.UniqueConstraint(fields=["user"], name="one_agency_per_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"
