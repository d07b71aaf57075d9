"""DOMAIN §2.1 — an applicant registers its institution and files an application."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from openbanking_portal.errors import NotAllowed, PortalError

from .audit import log_action
from .models import Application, Institution, Membership, State

EDITABLE_STATES = {State.DRAFT, State.SUPPLEMENT_REQUESTED}


def create_institution(*, by, **fields) -> Institution:
    """Register an institution; its creator becomes the institution's admin member."""
    with transaction.atomic():
        institution = Institution(**fields)
        institution.full_clean()
        institution.save()
        Membership.objects.create(user=by, institution=institution, role=Membership.Role.ADMIN)
        log_action(action="institution.created", actor=by, institution=institution)
    return institution


def ensure_can_edit(*, institution: Institution, by) -> None:
    if not institution.memberships.filter(user=by, role__in=["admin", "editor"]).exists():
        raise NotAllowed(_("이 기관의 신청서를 작성할 권한이 없습니다."))


def create_application(
    *, institution: Institution, by, service_name: str, service_description: str = ""
) -> Application:
    """Open a draft; an institution has at most one application in progress."""
    ensure_can_edit(institution=institution, by=by)
    duplicate = _(
        "이 기관에는 이미 진행 중인 이용신청이 있습니다. 기존 신청을 이어서 진행하거나 철회한 뒤 다시 신청하세요."
    )
    if institution.applications.in_progress().exists():
        raise PortalError(duplicate, code="duplicate_application")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                institution=institution,
                created_by=by,
                service_name=service_name,
                service_description=service_description,
            )
            log_action(
                action="application.created",
                actor=by,
                application=application,
                to_state=application.state,
            )
    except IntegrityError as exc:  # a concurrent create won the race the check above cannot see
        raise PortalError(duplicate, code="duplicate_application") from exc
    return application


def update_application(*, application: Application, by, **fields) -> Application:
    """Edit the applicant's data while it is a draft or a supplement is requested."""
    ensure_can_edit(institution=application.institution, by=by)
    if application.state not in EDITABLE_STATES:
        raise PortalError(
            _("제출된 신청서는 보완 요청을 받았을 때만 수정할 수 있습니다."), code="not_editable"
        )
    from .supplement import editable_items

    allowed = editable_items(application)
    changed = sorted(k for k, v in fields.items() if getattr(application, k) != v)
    if allowed is not None and any(k not in allowed for k in changed):
        raise PortalError(
            _("보완 요청된 항목만 수정할 수 있습니다: %(items)s")
            % {"items": ", ".join(sorted(set(changed) - allowed))},
            code="not_editable",
        )
    with transaction.atomic():
        for key, value in fields.items():
            setattr(application, key, value)
        application.save(update_fields=[*fields, "updated_at"])
        if changed:
            log_action(
                action="application.edited",
                actor=by,
                application=application,
                data={"fields": changed},
            )
    return application
