"""Filing documents with an application (DOMAIN §2.1): typed uploads, every version kept."""

from django.db import transaction
from django.utils.translation import gettext as _

from openbanking_portal.errors import PortalError

from .audit import log_action
from .filing import ensure_can_edit
from .models import Application, Document, State
from .supplement import editable_items
from .uploads import check_upload


def upload_document(*, application: Application, by, doc_type: str, upload) -> Document:
    """Store a checked upload as the next version of its document type."""
    ensure_can_edit(institution=application.institution, by=by)
    allowed = editable_items(application)
    if allowed is not None and f"document:{doc_type}" not in allowed:
        raise PortalError(
            _("이 서류는 지금 제출할 수 없습니다. 보완 요청된 서류만 다시 제출할 수 있습니다."),
            code="not_editable",
            field="file",
        )
    checked = check_upload(upload)
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        if app.state not in (State.DRAFT, State.SUPPLEMENT_REQUESTED):
            raise PortalError(_("제출된 신청서의 서류는 바꿀 수 없습니다."), code="not_editable")
        previous = Document.objects.current().filter(application=app, doc_type=doc_type).first()
        if previous is not None and previous.sha256 == checked.sha256:
            return previous  # the same bytes again (a double submit) are not a new version
        document = Document(
            application=app,
            doc_type=doc_type,
            version=(previous.version + 1) if previous else 1,
            previous=previous,
            original_name=(upload.name or "")[-255:],
            size=checked.size,
            sha256=checked.sha256,
            detected_type=checked.kind,
            mime_type=checked.mime_type,
            uploaded_by=by,
        )
        document.file.save("upload", upload, save=False)
        try:
            document.save()
        except Exception:
            document.file.delete(save=False)  # no row, no file: never leave an orphan behind
            raise
        log_action(
            action="document.uploaded",
            actor=by,
            application=app,
            data={
                "document_id": document.pk,
                "doc_type": doc_type,
                "version": document.version,
                "sha256": checked.sha256,
            },
        )
    return document
