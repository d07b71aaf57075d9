"""Checking an uploaded document by its content, never by its name (issue 3: accepted formats).

Accepted: PDF, PNG, JPEG, HWP (OLE2 compound file), HWPX/DOCX/XLSX (ZIP packages with the members
their format requires). Everything else — an executable renamed `.pdf`, a plain ZIP, a ZIP bomb — is
refused with a message for the applicant.
"""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
import zlib

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from openbanking_portal.errors import PortalError

# Defaults of the UPLOAD_* settings. A ZIP package whose members would unpack to more than
# MAX_UNZIPPED_BYTES, has more than MAX_ZIP_MEMBERS members, or holds a member over
# RATIO_FLOOR_BYTES that is more than MAX_ZIP_RATIO times its compressed size is a ZIP bomb.
MAX_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024  # small members may compress well; they cannot bomb

OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HWP_SUMMARY_STREAM = "HwpSummaryInformation".encode("utf-16-le")


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    kind: str  # pdf / png / jpeg / hwp / hwpx / docx / xlsx
    mime_type: str
    size: int
    sha256: str


MIME = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Shown inline in the browser (the document viewer); the rest are downloaded.
INLINE_KINDS = {"pdf", "png", "jpeg"}


class UploadRefused(PortalError):
    code = "upload_refused"


def _limit(name: str, default: int) -> int:
    return getattr(settings, name, default)


def _refuse_zip_bomb(infos: list[zipfile.ZipInfo]) -> None:
    """Judge the package from its central directory only: nothing is decompressed here."""
    if len(infos) > _limit("UPLOAD_MAX_ZIP_MEMBERS", MAX_ZIP_MEMBERS):
        raise UploadRefused(_("압축된 항목이 너무 많은 파일은 받을 수 없습니다."))
    ratio = _limit("UPLOAD_MAX_ZIP_RATIO", MAX_ZIP_RATIO)
    too_big = sum(i.file_size for i in infos) > _limit(
        "UPLOAD_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES
    )
    too_dense = any(
        i.file_size > RATIO_FLOOR_BYTES and i.file_size > ratio * max(i.compress_size, 1)
        for i in infos
    )
    if too_big or too_dense:
        raise UploadRefused(
            _("압축을 풀면 지나치게 커지는 파일은 받을 수 없습니다 (압축 폭탄 의심).")
        )


def _zip_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            _refuse_zip_bomb(infos)
            names = {i.filename for i in infos}
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, zlib.error):
        return None  # broken, encrypted or exotic archives are simply not an accepted package
    if mimetype.startswith(b"application/hwp+zip") and "Contents/content.hpf" in names:
        return "hwpx"
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def detect_kind(upload) -> str | None:
    """The accepted format the content really is, or None."""
    upload.seek(0)
    head = upload.read(8192)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        guess = filetype.guess(head)
        return "jpeg" if guess is not None and guess.mime == "image/jpeg" else None
    if head.startswith(OLE2_SIGNATURE):
        # HWP 5 names its streams "FileHeader" (holding "HWP Document File") and
        # "\x05HwpSummaryInformation"; other OLE2 files (.doc, .xls, .msi installers) are refused.
        hwp = _contains(upload, (HWP_SUMMARY_STREAM, b"HWP Document File"))
        return "hwp" if hwp else None
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return None


def _contains(upload, needles: tuple[bytes, ...], chunk_size: int = 1024 * 1024) -> bool:
    """Whether any needle occurs in the file, read in chunks that overlap by the longest needle."""
    overlap = max(len(n) for n in needles)
    upload.seek(0)
    tail = b""
    while chunk := upload.read(chunk_size):
        window = tail + chunk
        if any(n in window for n in needles):
            return True
        tail = window[-overlap:]
    return False


def check_upload(upload) -> CheckedFile:
    """Validate size and content; returns what the file is. Raises UploadRefused otherwise."""
    size = upload.size
    if size == 0:
        raise UploadRefused(_("빈 파일입니다."))
    max_bytes = _limit("UPLOAD_MAX_BYTES", MAX_BYTES)
    if size > max_bytes:
        raise UploadRefused(
            _("파일이 너무 큽니다: %(size)s MB (최대 %(max)s MB).")
            % {"size": f"{size / 1024 / 1024:.1f}", "max": f"{max_bytes / 1024 / 1024:g}"}
        )
    kind = detect_kind(upload)
    if kind is None:
        raise UploadRefused(
            _(
                "허용되지 않는 파일 형식입니다. 파일 내용이 PDF, PNG, JPEG, HWP/HWPX, DOCX, XLSX "
                "중 하나여야 합니다 (확장자만 바꾼 파일은 받을 수 없습니다)."
            )
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(kind=kind, mime_type=MIME[kind], size=size, sha256=digest.hexdigest())
