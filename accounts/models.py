from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        return super()._create_user_object(username or email, email, password, **extra_fields)


class User(AbstractUser):
    """A portal user: applicant member, centre staff, or security-agency user; logs in by e-mail."""

    email = models.EmailField(_("이메일"), unique=True)
    preferred_language = models.CharField(
        _("선호 언어"), max_length=5, choices=[("ko", "한국어"), ("en", "English")], default="ko"
    )

    objects = EmailUserManager()

    def save(self, *args, **kwargs):
        if not self.username:
            self.username = self.email
        super().save(*args, **kwargs)


class StaffDecision(models.Model):
    """Who on the centre's staff decided a request, and when (the note or reason is the model's own)."""

    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("처리자"),
    )
    decided_at = models.DateTimeField(_("처리 시각"), null=True, blank=True)

    class Meta:
        abstract = True
