import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def private_upload_path(instance, filename: str) -> str:
    # The user's file name is kept in `*_name` only; the stored name reveals nothing.
    return f"reviews/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


def validate_upload_size(file) -> None:
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("파일은 20MB 이하여야 합니다."), code="file_too_large")
