from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken
from .tokens import token_for_key


class InstitutionTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer obp_…` — the request acts as the token's member, scoped to its institution."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 헤더 형식이 올바르지 않습니다."))
        token = token_for_key(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("유효하지 않거나 폐기된 API 키입니다."))
        return token.acting_user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenRateThrottle(SimpleRateThrottle):
    """Per-token request budget (falls back to the user for browser sessions)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
