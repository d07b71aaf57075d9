"""DOMAIN §2.1 — the multi-step online application: each step saves to the draft."""

from django.db import transaction
from django.utils.translation import gettext as _

from openbanking_portal.errors import PortalError

from .audit import log_action
from .filing import ensure_can_edit
from .models import Application, ApplicationDetails
from .supplement import editable_items

APPLICATION_FIELDS = {"service_name", "service_description"}


def details_of(application: Application) -> ApplicationDetails:
    details, _created = ApplicationDetails.objects.get_or_create(application=application)
    return details


def save_step(*, application: Application, by, data: dict) -> list[str]:
    """Save the given fields (already validated by the step form) to the draft; returns the names
    of the fields that changed. While a supplement is requested only the requested items change."""
    ensure_can_edit(institution=application.institution, by=by)
    allowed = editable_items(application)
    if allowed is not None:
        if not allowed:
            raise PortalError(
                _("제출된 신청서는 보완 요청을 받았을 때만 수정할 수 있습니다."),
                code="not_editable",
            )
        data = {k: v for k, v in data.items() if k in allowed}
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        details = details_of(app)
        changed = []
        for key, value in data.items():
            target = app if key in APPLICATION_FIELDS else details
            if getattr(target, key) != value:
                setattr(target, key, value)
                changed.append(key)
        app_fields = [k for k in changed if k in APPLICATION_FIELDS]
        if app_fields:
            app.save(update_fields=[*app_fields, "updated_at"])
        details.save()
        if changed:
            log_action(
                action="application.edited",
                actor=by,
                application=app,
                data={"fields": sorted(changed)},
            )
    return changed
