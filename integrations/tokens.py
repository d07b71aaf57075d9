"""Issuing, checking and revoking per-institution API tokens (issue 7)."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import staff_may
from applications.audit import log_action
from applications.models import Institution, Membership
from openbanking_portal.errors import NotAllowed

from .models import ApiToken

KEY_PREFIX = "obp_"
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def can_manage_tokens(*, institution: Institution, user) -> bool:
    if staff_may(user, "integrations.add_apitoken"):
        return True
    return institution.memberships.filter(user=user, role=Membership.Role.ADMIN).exists()


def issue_token(
    *, institution: Institution, by, name: str, acting_user=None
) -> tuple[ApiToken, str]:
    """Create a token; returns it with the plain key, which is never stored or shown again."""
    if not can_manage_tokens(institution=institution, user=by):
        raise NotAllowed(_("이 기관의 API 키를 발급할 권한이 없습니다."))
    acting_user = acting_user or by
    if not institution.memberships.filter(user=acting_user, role__in=["admin", "editor"]).exists():
        raise NotAllowed(
            _("API 키는 신청서 작성 권한이 있는 기관 구성원의 이름으로만 발급할 수 있습니다.")
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            institution=institution,
            name=name,
            prefix=key[:12],
            key_hash=hash_key(key),
            created_by=by,
            acting_user=acting_user,
        )
        log_action(
            action="api_token.issued",
            actor=by,
            institution=institution,
            data={"token": token.prefix},
        )
    return token, key


def revoke_token(*, token: ApiToken, by) -> ApiToken:
    if not can_manage_tokens(institution=token.institution, user=by):
        raise NotAllowed(_("이 API 키를 폐기할 권한이 없습니다."))
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            log_action(
                action="api_token.revoked",
                actor=by,
                institution=token.institution,
                data={"token": token.prefix},
            )
    token.refresh_from_db()
    return token


def token_for_key(key: str) -> ApiToken | None:
    # The acting member must still belong to the institution with write rights (same query).
    acting_member = Membership.objects.filter(
        institution=OuterRef("institution"),
        user=OuterRef("acting_user"),
        role__in=["admin", "editor"],
    )
    try:
        # `get` on the unique hash: no ORDER BY and LIMIT for the planner to work on.
        token = (
            ApiToken.objects.active()
            .select_related("institution", "acting_user")
            .get(Exists(acting_member), key_hash=hash_key(key))
        )
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    # A write on every API call costs more than the rest of a read request; to the minute is enough.
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
