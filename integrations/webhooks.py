"""Signed webhooks (issue 7): HMAC-SHA256 over "<timestamp>.<body>", delivered by Celery with backoff."""

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.audit import log_action
from applications.models import AuditEntry
from openbanking_portal.errors import NotAllowed, PortalError

from .models import WebhookDelivery, WebhookEndpoint
from .tokens import can_manage_tokens

MAX_ATTEMPTS = 8
SIGNATURE_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    """What a receiver does: recompute the signature and refuse stale timestamps (replay)."""
    if abs((now or time.time()) - int(timestamp)) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def backoff_seconds(attempt: int) -> int:
    return min(30 * 2 ** (attempt - 1), 6 * 3600)


def register_endpoint(*, institution, by, url: str) -> WebhookEndpoint:
    if not can_manage_tokens(institution=institution, user=by):
        raise NotAllowed(_("이 기관의 웹훅을 등록할 권한이 없습니다."))
    parsed = urlparse(url)
    allowed_http = parsed.scheme == "http" and parsed.hostname in settings.WEBHOOK_ALLOW_HTTP_HOSTS
    if parsed.scheme != "https" and not allowed_http:
        raise PortalError(_("웹훅 URL은 https:// 로 시작해야 합니다."), field="url", code="invalid")
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            institution=institution, url=url, secret=secrets.token_hex(32), created_by=by
        )
        log_action(
            action="webhook.registered", actor=by, institution=institution, data={"url": url}
        )
    return endpoint


def event_payload(entry: AuditEntry) -> dict:
    return {
        "event": entry.action,
        "id": entry.pk,
        "occurred_at": entry.at.isoformat(),
        "application": entry.application_id,
        "institution": entry.institution_id,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "reason": entry.reason,
    }


def emit_for_audit_entry(*, entry_id: int) -> list[int]:
    """Create one delivery per active endpoint of the entry's institution and queue them."""
    entry = AuditEntry.objects.get(pk=entry_id)
    endpoints = WebhookEndpoint.objects.filter(institution_id=entry.institution_id, active=True)
    deliveries = [
        WebhookDelivery.objects.create(endpoint=e, event=entry.action, payload=event_payload(entry))
        for e in endpoints
    ]
    from .tasks import deliver_webhook

    for d in deliveries:
        transaction.on_commit(lambda pk=d.pk: deliver_webhook.delay(pk))
    return [d.pk for d in deliveries]


def attempt_delivery(*, delivery_id: int) -> WebhookDelivery:
    """One POST; records the outcome. Raises ConnectionError when a retry should follow."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        return delivery  # a duplicate message from the broker
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-OBP-Event": delivery.event,
            "X-OBP-Delivery": str(delivery.pk),
            "X-OBP-Timestamp": str(timestamp),
            "X-OBP-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            delivery.response_status = response.status
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
        delivery.save()
        return delivery
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        delivery.response_status = getattr(exc, "code", None)
        delivery.last_error = str(exc)[:500]
        final = delivery.attempts >= MAX_ATTEMPTS
        delivery.status = (
            WebhookDelivery.Status.FAILED if final else WebhookDelivery.Status.RETRYING
        )
        delivery.save()
        if final:
            return delivery
        raise ConnectionError(delivery.last_error) from exc


def redeliver(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    if not can_manage_tokens(institution=delivery.endpoint.institution, user=by):
        raise NotAllowed(_("이 웹훅을 다시 보낼 권한이 없습니다."))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.PENDING)
    from .tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.delay(delivery.pk))
    delivery.refresh_from_db()
    return delivery
