"""Browser-facing hardening: a Content-Security-Policy that forbids inline and foreign scripts."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/"])
def test_pages_carry_a_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "onchange=" not in response.content.decode()  # no inline handlers to be blocked


@pytest.mark.django_db
def test_api_docs_page_serves_swagger_from_our_own_static_files(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page


@pytest.mark.django_db
def test_login_is_rate_limited(client):
    from .factories import UserFactory

    user = UserFactory()
    statuses = [
        client.post("/accounts/login/", {"login": user.email, "password": f"wrong-{i}"}).status_code
        for i in range(8)
    ]
    page = client.post("/accounts/login/", {"login": user.email, "password": "wrong-last"})
    assert statuses[0] == 200
    assert (
        page.status_code == 429
        or "너무 많" in page.content.decode()
        or "Too many" in page.content.decode()
    )
