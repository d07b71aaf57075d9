"""Staff MFA: a staff session must have passed a TOTP challenge (allauth.mfa) to reach the admin."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request) -> bool:
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))
