"""`Idempotency-Key` on the API's POSTs (issue 9): a retried or double-clicked POST creates one object.

The first request with a key claims it (a row under a unique constraint) before the view runs; a repeat
with the same body gets the stored answer, a repeat still in flight gets 409, and the same key reused with
a different body gets 422.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
API_PREFIX = "/api/v1/"


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _identity(request) -> str | None:
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization:
        return _sha(b"auth", authorization.encode())
    if request.user.is_authenticated:
        return _sha(b"user", str(request.user.pk).encode())
    return None


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        identity = _identity(request)
        if identity is None or len(key) > 100:
            return self.get_response(request)
        fingerprint = _sha(request.method.encode(), request.path.encode(), request.body)
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(
                    identity=identity, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            previous = IdempotentRequest.objects.get(identity=identity, key=key)
            if previous.fingerprint != fingerprint:
                return _error(
                    422,
                    "idempotency_key_reused",
                    _("같은 Idempotency-Key를 다른 요청에 쓸 수 없습니다."),
                )
            if previous.status_code is None:
                return _error(
                    409,
                    "idempotency_in_progress",
                    _("같은 요청을 처리하고 있습니다. 잠시 후 다시 시도하세요."),
                )
            replay = HttpResponse(
                bytes(previous.body),
                status=previous.status_code,
                content_type=previous.content_type,
            )
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            claim.delete()  # let the client retry a failure
            return response
        claim.status_code = response.status_code
        claim.content_type = response.get("Content-Type", "")
        claim.body = response.content
        claim.save(update_fields=["status_code", "content_type", "body"])
        return response
