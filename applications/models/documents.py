"""Documents filed with an application (이용신청서, 서비스 계획서, …), kept in every version.

Files live in the private default storage (MEDIA_ROOT is not served) under random names; the only
way to read one is `views_documents.document_download`, which checks who is asking.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..catalogue import DocumentType
from .application import Application


def document_path(instance, filename: str) -> str:
    # The applicant's file name is kept in `original_name` only; the stored name reveals nothing.
    return f"documents/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class DocumentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(superseded_by__isnull=True)


class Document(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="documents", verbose_name=_("이용신청")
    )
    doc_type = models.CharField(_("서류 종류"), max_length=30, choices=DocumentType.choices)
    version = models.PositiveSmallIntegerField(_("버전"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("이전 버전"),
    )
    file = models.FileField(_("파일"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("원래 파일명"), max_length=255)
    size = models.PositiveIntegerField(_("크기(바이트)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    detected_type = models.CharField(_("확인된 형식"), max_length=10)
    mime_type = models.CharField(_("MIME 형식"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("제출자"),
    )
    uploaded_at = models.DateTimeField(_("제출 시각"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("제출 서류")
        verbose_name_plural = _("제출 서류")
        ordering = ["doc_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "doc_type", "version"], name="one_document_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} v{self.version} ({self.original_name})"
