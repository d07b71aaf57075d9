"""Authorisation matrix (issue 9): every URL of the portal, tried as anonymous and as a member of another
institution, with the ids of institution A's objects guessed — never A's data, never a server error."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from applications.audit import log_action
from applications.models import State

from .factories import ApplicationFactory, MembershipFactory

SECRET_NAME = "비밀기관ZQX"
SECRET_SERVICE = "비밀서비스QZX"
# Pages anyone may open (no data of an institution behind them).
PUBLIC_PREFIXES = (
    "",
    "healthz/",
    "accounts/",
    "i18n/",
    "api/v1/schema/",
    "api/v1/docs/",
    "api/v1/scoring/",
    "contracts/calculator",
    "testbed/oauth/",
    "static/",
)
SKIP_PREFIXES = ("admin/",)  # the admin is covered by the staff MFA and permission tests


def walk(patterns, prefix=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, route)
        elif isinstance(p, URLPattern):
            yield route, p


def concrete_urls(ids):
    """Every route with its converters filled by each of the guessed ids."""
    for route, _pattern in walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if "(?P<format>" in route or route.startswith(SKIP_PREFIXES):
            continue
        params = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
        if not params:
            yield route, "/" + route.replace("^", "")
            continue
        for value in ids:
            url = re.sub(
                r"<(?:(\w+):)?(\w+)>",
                lambda m, v=value: "x" if m.group(1) in ("slug", "str") else str(v),
                route,
            )
            url = re.sub(r"\(\?P<(\w+)>[^)]*\)", str(value), url)
            yield route, "/" + url


@pytest.fixture
def world(db):
    owner = MembershipFactory(institution__name=SECRET_NAME)
    application = ApplicationFactory(
        institution=owner.institution,
        created_by=owner.user,
        service_name=SECRET_SERVICE,
        state=State.SUBMITTED,
    )
    log_action(
        action="application.submitted",
        actor=owner.user,
        application=application,
        reason=SECRET_SERVICE,
    )
    return owner, application


def is_public(route: str) -> bool:
    return route == "" or any(route.startswith(p) for p in PUBLIC_PREFIXES if p)


@pytest.mark.django_db
def test_member_of_another_institution_never_sees_institution_a(world):
    _owner, application = world
    intruder = MembershipFactory().user
    web, api = APIClient(), APIClient()
    web.force_login(intruder)
    api.force_authenticate(intruder)
    ids = sorted({1, 2, 3, application.pk, application.institution.pk})
    checked = 0
    for _route, url in concrete_urls(ids):
        for client in (web, api):
            response = client.get(url)
            checked += 1
            assert response.status_code < 500, (url, response.status_code)
            body = response.content.decode(errors="replace")
            assert SECRET_NAME not in body and SECRET_SERVICE not in body, (
                url,
                response.status_code,
            )
    assert checked > 20


@pytest.mark.django_db
def test_anonymous_is_refused_everywhere_but_public_pages(world):
    _owner, application = world
    client = APIClient()
    ids = [application.pk, application.institution.pk]
    for route, url in concrete_urls(ids):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        body = response.content.decode(errors="replace")
        assert SECRET_NAME not in body and SECRET_SERVICE not in body, url
        if not is_public(route):
            assert response.status_code in (301, 302, 401, 403, 404, 405), (
                url,
                response.status_code,
            )
