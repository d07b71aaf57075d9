"""One JSON error shape for the whole API: {"code", "message", "fields"} in the request's language."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from applications.lifecycle import TransitionRefused
from openbanking_portal.errors import NotAllowed, PortalError


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [str(x) if not isinstance(x, dict | list) else _flatten(x) for x in detail]
    return str(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, NotAllowed):
        return _error(status.HTTP_403_FORBIDDEN, exc.code, str(exc.message))
    if isinstance(exc, TransitionRefused):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        return _error(status.HTTP_409_CONFLICT, exc.code, str(exc.message), fields)
    if isinstance(exc, PortalError):
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        code = (
            status.HTTP_409_CONFLICT
            if exc.code == "duplicate_application"
            else status.HTTP_400_BAD_REQUEST
        )
        return _error(code, exc.code, str(exc.message), fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = {"code": "invalid", "message": _("입력값을 확인하세요."), "fields": fields}
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "code": code if isinstance(code, str) else "error",
            "message": str(exc.detail),
            "fields": {},
        }
    return response


def _error(status_code, code, message, fields=None):
    return Response({"code": code, "message": message, "fields": fields or {}}, status=status_code)
