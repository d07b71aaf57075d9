"""OAuth 2.0 as the operator's API does it (DOMAIN §10), on django-oauth-toolkit.

The library does the protocol; this validator adds the operator's rules:
- one client id serves both the three-legged authorization-code flow (scopes `login`, `inquiry`,
  `transfer`) and the two-legged client-credentials flow (scope `oob`);
- the consenting simulated user travels code → token → refreshed token, and the token response
  carries its `user_seq_no` (three-legged) or the institution's `client_use_code` (two-legged);
- every token request is logged as testbed evidence (`oauth_token`).
"""

import hashlib

from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator

from . import calls
from .catalogue import CLIENT_SCOPES, USER_SCOPES
from .models import Consent, IssuedToken, SimUser, TestClient
from .synthetic import client_use_code


def pkce_required(client_id: str) -> bool:
    """RFC 9700 §2.1.1: PKCE is a must for public clients (the testbed's keys are confidential)."""
    client_type = (
        get_application_model()
        .objects.filter(client_id=client_id)
        .values_list("client_type", flat=True)
        .first()
    )
    return client_type != AbstractApplication.CLIENT_CONFIDENTIAL


def checksum(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class TestbedOAuth2Validator(OAuth2Validator):
    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type == "client_credentials" and client.allows_grant_type(
            AbstractApplication.GRANT_AUTHORIZATION_CODE
        ):
            return True
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        wanted = set(scopes)
        if getattr(request, "grant_type", None) == "client_credentials":
            return bool(wanted) and wanted <= CLIENT_SCOPES
        if getattr(request, "grant_type", None) == "refresh_token":
            return bool(wanted) and wanted <= USER_SCOPES | CLIENT_SCOPES
        return bool(wanted) and wanted <= USER_SCOPES

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        sim_user = getattr(request, "sim_user", None)
        if sim_user is not None:
            Consent.objects.create(
                client=request.client.testbed_client,
                sim_user=sim_user,
                code=code["code"],
                scope=" ".join(request.scopes),
            )

    def _save_bearer_token(self, token, request, *args, **kwargs):
        sim_user_id = None
        if request.grant_type == "authorization_code":
            sim_user_id = (
                Consent.objects.filter(code=request.code)
                .values_list("sim_user_id", flat=True)
                .first()
            )
        elif request.grant_type == "refresh_token" and getattr(request, "refresh_token", None):
            sim_user_id = (
                IssuedToken.objects.filter(refresh_checksum=checksum(request.refresh_token))
                .values_list("sim_user_id", flat=True)
                .first()
            )
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        client = TestClient.objects.filter(application=request.client).first()
        if client is not None:
            access_token = get_access_token_model().objects.get(
                token_checksum=checksum(token["access_token"])
            )
            IssuedToken.objects.update_or_create(
                access_token=access_token,
                defaults={
                    "client": client,
                    "sim_user_id": sim_user_id,
                    "refresh_checksum": checksum(token.get("refresh_token") or ""),
                },
            )
            if sim_user_id is not None:
                token["user_seq_no"] = (
                    SimUser.objects.filter(pk=sim_user_id)
                    .values_list("user_seq_no", flat=True)
                    .first()
                )
            else:
                token["client_use_code"] = client_use_code(client.institution_id)
        return result


def log_token_request(*, client_id: str, status: int) -> None:
    """Evidence for the token endpoint: one row per request whose client is known."""
    client = TestClient.objects.filter(client_id=client_id, revoked_at__isnull=True).first()
    if client is None:
        return
    calls.record(
        institution_id=client.institution_id,
        client_id=client.pk,
        api_code="oauth_token",
        endpoint="/oauth/2.0/token",
        rsp_code="A0000" if status == 200 else "O0001",
        http_status=status,
    )
