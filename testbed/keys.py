"""Test API keys (DOMAIN §2 step 2): issue, rotate and revoke an institution's testbed client.

A key is a django-oauth-toolkit application, whose client secret the library stores hashed: the
plain secret exists only in the return value of `create_key` / `rotate_secret`, shown once.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings

from applications.audit import log_action
from applications.models import Application, Institution, Membership, State
from openbanking_portal.errors import NotAllowed, PortalError

from .models import TestbedProfile, TestClient

# Keys exist only once the application is approved (DOMAIN §2: step 2 follows the approval).
NOT_YET_OR_CLOSED = [
    State.DRAFT,
    State.SUBMITTED,
    State.SUPPLEMENT_REQUESTED,
    State.RESUBMITTED,
    State.REJECTED,
    State.WITHDRAWN,
    State.TERMINATED,
]
MAX_ACTIVE_KEYS = 5


@dataclass(frozen=True)
class IssuedSecret:
    client: TestClient
    client_secret: str  # plain text: show once, never stored


def eligible_institutions(user):
    """Institutions of `user` whose application is approved or later (and not closed)."""
    if not user.is_authenticated:
        return Institution.objects.none()
    approved = Application.objects.exclude(state__in=NOT_YET_OR_CLOSED).values("institution_id")
    return Institution.objects.filter(memberships__user=user, pk__in=approved).distinct()


def _require_editor(*, institution: Institution, by) -> None:
    if not eligible_institutions(by).filter(pk=institution.pk).exists():
        raise NotAllowed(
            _("승인된 이용신청이 있는 기관의 구성원만 테스트 API 키를 다룰 수 있습니다.")
        )
    role = (
        Membership.objects.filter(user=by, institution=institution)
        .values_list("role", flat=True)
        .first()
    )
    if role not in {Membership.Role.ADMIN, Membership.Role.EDITOR}:
        raise NotAllowed(_("기관 관리자 또는 작성자만 테스트 API 키를 다룰 수 있습니다."))


def create_key(*, institution: Institution, by, name: str, redirect_uri: str) -> IssuedSecret:
    """DOMAIN §2 step 2 — issue test client credentials (client id + secret, secret shown once)."""
    _require_editor(institution=institution, by=by)
    name = name.strip() or _("테스트 키")
    schemes = oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES
    if not redirect_uri.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        raise PortalError(
            _("콜백 URL은 %(schemes)s 주소여야 합니다.") % {"schemes": ", ".join(schemes)},
            field="redirect_uri",
        )
    application_model = get_application_model()
    with transaction.atomic():
        Institution.objects.select_for_update().get(pk=institution.pk)
        active = TestClient.objects.filter(institution=institution, revoked_at__isnull=True).count()
        if active >= MAX_ACTIVE_KEYS:
            raise PortalError(
                _("활성 테스트 키는 기관당 %(n)d개까지입니다. 쓰지 않는 키를 폐기하세요.")
                % {"n": MAX_ACTIVE_KEYS}
            )
        secret = generate_client_secret()
        oauth_app = application_model.objects.create(
            name=f"{institution.name} — {name}"[:255],
            client_id=generate_client_id(),
            client_secret=secret,
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            user=by,
            skip_authorization=False,
        )
        client = TestClient.objects.create(
            institution=institution,
            application=oauth_app,
            client_id=oauth_app.client_id,
            name=name,
            created_by=by,
        )
        TestbedProfile.objects.get_or_create(institution=institution)
        log_action(
            action="testbed.key_created",
            actor=by,
            institution=institution,
            data={"client_id": client.client_id, "name": name},
        )
    return IssuedSecret(client=client, client_secret=secret)


def _active_client(*, client_pk: int, institution: Institution) -> TestClient:
    client = (
        TestClient.objects.select_for_update(of=("self",))
        .filter(pk=client_pk, institution=institution, revoked_at__isnull=True)
        .select_related("application")
        .first()
    )
    if client is None or client.application is None:
        raise PortalError(_("이미 폐기되었거나 없는 키입니다."))
    return client


def rotate_secret(*, institution: Institution, client_pk: int, by) -> IssuedSecret:
    """Issue a new client secret; the old one stops working at once (tokens stay valid)."""
    _require_editor(institution=institution, by=by)
    with transaction.atomic():
        client = _active_client(client_pk=client_pk, institution=institution)
        secret = generate_client_secret()
        client.application.client_secret = secret
        client.application.save(update_fields=["client_secret", "updated"])
        client.rotated_at = timezone.now()
        client.save(update_fields=["rotated_at"])
        log_action(
            action="testbed.key_rotated",
            actor=by,
            institution=institution,
            data={"client_id": client.client_id},
        )
    return IssuedSecret(client=client, client_secret=secret)


def revoke_key(*, institution: Institution, client_pk: int, by) -> TestClient:
    """Revoke a key: the OAuth client and every token issued to it are deleted; the record stays."""
    _require_editor(institution=institution, by=by)
    with transaction.atomic():
        client = _active_client(client_pk=client_pk, institution=institution)
        oauth_app = client.application
        client.revoked_at = timezone.now()
        client.application = None
        client.save(update_fields=["revoked_at", "application"])
        oauth_app.delete()
        log_action(
            action="testbed.key_revoked",
            actor=by,
            institution=institution,
            data={"client_id": client.client_id},
        )
    return client


def set_sub_merchants(*, institution: Institution, by, has_sub_merchants: bool) -> TestbedProfile:
    """DOMAIN §8 — whether the testbed asks transfers for the sub-merchant fields."""
    _require_editor(institution=institution, by=by)
    profile, _created = TestbedProfile.objects.get_or_create(institution=institution)
    if profile.has_sub_merchants != has_sub_merchants:
        profile.has_sub_merchants = has_sub_merchants
        profile.save(update_fields=["has_sub_merchants"])
        log_action(
            action="testbed.sub_merchants_changed",
            actor=by,
            institution=institution,
            data={"has_sub_merchants": has_sub_merchants},
        )
    return profile
