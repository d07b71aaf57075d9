"""Schemathesis against the generated OpenAPI schema (issue 7): bounded examples per operation, as an
institution member with an API token — no server error anywhere, whatever the input."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from openbanking_portal.wsgi import application

from .factories import ApplicationFactory, MembershipFactory

# The schema view reads no data, so it can be loaded at collection time.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """As Django's test client does: the WSGI app must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    from integrations.tokens import issue_token

    member = MembershipFactory()
    ApplicationFactory(institution=member.institution, created_by=member.user)
    _token, key = issue_token(institution=member.institution, by=member.user, name="schemathesis")
    return key


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_error_for_any_generated_request(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )
