"""DOMAIN §2.1 — supplement requests (보완 요청): staff name the items, the applicant redoes exactly
those and resubmits."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openbanking_portal.errors import PortalError

from . import lifecycle
from .models import Application, State, SupplementRequest
from .wizard import item_label, supplement_choices


def open_request(application: Application) -> SupplementRequest | None:
    return application.supplement_requests.open().first()


def editable_items(application: Application) -> set[str] | None:
    """None: everything is editable (a draft, or a supplement requested without naming items).
    A set: only these items (the open supplement request). The empty set: nothing is editable."""
    if application.state == State.DRAFT:
        return None
    if application.state == State.SUPPLEMENT_REQUESTED:
        request = open_request(application)
        # A request that names no items (a bare reason) reopens the whole application.
        return set(request.items) if request else None
    return set()


def request_supplement(
    *, application: Application, by, items: list[str], message: str
) -> SupplementRequest:
    """Staff ask for the listed items; the application goes back to the applicant."""
    known = dict(supplement_choices())
    items = [i for i in dict.fromkeys(items) if i in known]
    if not items:
        raise PortalError(_("보완할 항목을 하나 이상 고르세요."), field="items")
    message = (message or "").strip()
    if not message:
        raise PortalError(_("요청 내용을 입력해야 합니다."), field="message")
    reason = "\n".join([message, "", _("보완 항목:"), *(f"- {item_label(i)}" for i in items)])
    with transaction.atomic():
        lifecycle.apply_transition(
            application=application, name="request_supplement", by=by, reason=reason
        )
        return SupplementRequest.objects.create(
            application=application, items=items, message=message, requested_by=by
        )


def resolve_open_requests(application: Application) -> None:
    """Called by the lifecycle on resubmission."""
    application.supplement_requests.open().update(resolved_at=timezone.now())
