"""Webhooks: a signed event reaches a local receiver on each state change; failures are logged and redelivered."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from rest_framework.test import APIClient

from applications.lifecycle import apply_transition
from integrations.models import WebhookDelivery
from integrations.webhooks import verify

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self):
        self.received = []
        self.fail = False
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(500 if outer.fail else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def owner(member):
    client = APIClient()
    client.force_login(member.user)
    return client


def register(owner, member, url):
    response = owner.post(
        f"/api/v1/institutions/{member.institution.pk}/webhooks/", {"url": url}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_state_change_is_delivered_signed_to_the_receiver(
    owner, member, application, receiver, django_capture_on_commit_callbacks
):
    hook = register(owner, member, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(application=application, name="submit", by=member.user)
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verify(hook["secret"], headers["x-obp-timestamp"], body, headers["x-obp-signature"])
    assert not verify("wrong-secret", headers["x-obp-timestamp"], body, headers["x-obp-signature"])
    event = json.loads(body)
    assert event["event"] == "application.submitted"
    assert (event["application"], event["from_state"], event["to_state"]) == (
        application.pk,
        "draft",
        "submitted",
    )
    log = owner.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()
    assert log[0]["status"] == "delivered" and log[0]["attempts"] == 1


def test_failed_delivery_is_logged_and_can_be_redelivered(
    owner, member, application, receiver, django_capture_on_commit_callbacks
):
    hook = register(owner, member, receiver.url)
    receiver.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        apply_transition(application=application, name="submit", by=member.user)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "retrying"
    assert delivery.response_status == 500 and "500" in delivery.last_error
    receiver.fail = False
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(receiver.received) == 2
    assert (
        owner.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()[0]["status"] == "delivered"
    )


def test_plain_http_to_other_hosts_is_refused(owner, member):
    response = owner.post(
        f"/api/v1/institutions/{member.institution.pk}/webhooks/",
        {"url": "http://example.kr/hook"},
        format="json",
    )
    assert response.status_code == 400
    assert "https://" in response.json()["fields"]["url"][0]


def test_other_institution_cannot_see_or_redeliver(owner, member, application, receiver):
    hook = register(owner, member, receiver.url)
    stranger = APIClient()
    stranger.force_login(MembershipFactory().user)
    assert stranger.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").status_code == 404
    assert stranger.get("/api/v1/webhooks/").json() == []


def test_signature_older_than_five_minutes_is_rejected():
    from integrations.webhooks import sign

    body = b'{"x": 1}'
    signature = sign("s3cret", 1_000_000, body)
    assert verify("s3cret", "1000000", body, signature, now=1_000_000 + 10)
    assert not verify("s3cret", "1000000", body, signature, now=1_000_000 + 301)
