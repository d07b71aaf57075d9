from django.conf import settings
from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from ..validators import format_brn, validate_brn, validate_corporate_number


class InstitutionType(models.TextChoices):
    BANK = "bank", _("은행")
    FINTECH = "fintech", _("핀테크기업")


class SizeClass(models.TextChoices):
    """DOMAIN §5.2/§6 and §11: large (capital ≥ threshold), small/medium, and banks counted apart."""

    LARGE = "large", _("대형")
    SMALL_MEDIUM = "small_medium", _("중소형")
    BANK = "bank", _("은행")


def size_class_for(*, institution_type: str, paid_in_capital: int, threshold: int) -> str:
    if institution_type == InstitutionType.BANK:
        return SizeClass.BANK
    return SizeClass.LARGE if paid_in_capital >= threshold else SizeClass.SMALL_MEDIUM


class InstitutionQuerySet(models.QuerySet):
    def with_size_class(self, threshold: int, prefix: str = ""):
        return self.annotate(size_class=size_class_case(threshold, prefix))

    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


def size_class_case(threshold: int, prefix: str = "") -> Case:
    return Case(
        When(
            **{f"{prefix}institution_type": InstitutionType.BANK}, then=Value(SizeClass.BANK.value)
        ),
        When(**{f"{prefix}paid_in_capital__gte": threshold}, then=Value(SizeClass.LARGE.value)),
        default=Value(SizeClass.SMALL_MEDIUM.value),
        output_field=models.CharField(),
    )


class Institution(models.Model):
    """The applicant / user institution (신청사업자 / 이용기관)."""

    name = models.CharField(_("기관명"), max_length=200)
    business_registration_number = models.CharField(
        _("사업자등록번호"), max_length=10, unique=True, validators=[validate_brn]
    )
    corporate_registration_number = models.CharField(
        _("법인등록번호"), max_length=13, blank=True, validators=[validate_corporate_number]
    )
    representative = models.CharField(_("대표자"), max_length=100)
    address = models.CharField(_("주소"), max_length=300)
    paid_in_capital = models.BigIntegerField(_("납입자본금(원)"), help_text=_("원 단위 정수"))
    institution_type = models.CharField(
        _("기관 유형"),
        max_length=10,
        choices=InstitutionType.choices,
        default=InstitutionType.FINTECH,
    )
    contact_name = models.CharField(_("담당자 이름"), max_length=100)
    contact_email = models.EmailField(_("담당자 이메일"))
    contact_phone = models.CharField(_("담당자 전화번호"), max_length=30)
    created_at = models.DateTimeField(_("등록 시각"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="institutions"
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("기관")
        verbose_name_plural = _("기관")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paid_in_capital__gte=0), name="capital_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def brn_display(self) -> str:
        return format_brn(self.business_registration_number)

    def size_class(self, threshold: int | None = None) -> str:
        if threshold is None:
            from policies.services import large_capital_threshold

            threshold = large_capital_threshold()
        return size_class_for(
            institution_type=self.institution_type,
            paid_in_capital=self.paid_in_capital,
            threshold=threshold,
        )

    def size_class_label(self) -> str:
        return SizeClass(self.size_class()).label


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("기관 관리자")
        EDITOR = "editor", _("작성자")
        VIEWER = "viewer", _("조회자")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("사용자"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("기관")
    )
    role = models.CharField(_("역할"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("기관 구성원")
        verbose_name_plural = _("기관 구성원")
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution} ({self.get_role_display()})"

    @property
    def can_edit(self) -> bool:
        return self.role in {self.Role.ADMIN, self.Role.EDITOR}
