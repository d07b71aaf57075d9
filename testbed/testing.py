"""Helpers that drive the testbed over HTTP as a developer's client would (tests, benchmark).

Nothing here reaches into the tables: keys come from the keys page, tokens from the OAuth
endpoints, so whoever uses these helpers exercises the same surface an institution does.
"""

import itertools
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlparse

from django.test import Client
from django.utils import timezone

from .synthetic import client_use_code

REDIRECT_URI = "http://localhost:8080/callback"
_counter = itertools.count(1)


@dataclass
class Key:
    institution_id: int
    client_id: str
    client_secret: str


def issue_key(browser: Client, institution_id: int, name: str = "dev") -> Key:
    """Issue a key on the keys page and read the secret shown once."""
    response = browser.post(
        f"/testbed/keys/?institution={institution_id}",
        {"name": name, "redirect_uri": REDIRECT_URI},
    )
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    secret = re.search(r'data-testid="client-secret">([^<]+)<', page).group(1)
    client_id = re.search(r"<dt>client_id</dt><dd><code>([^<]+)</code>", page).group(1)
    return Key(institution_id=institution_id, client_id=client_id, client_secret=secret)


def authorize(browser: Client, key: Key, *, user_seq_no: str, scope="login inquiry transfer"):
    """The three-legged consent: returns the authorization code from the redirect."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": key.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
            "state": "12345678901234567890123456789012",
            "auth_type": "0",
        }
    )
    page = browser.get(f"/testbed/oauth/2.0/authorize?{query}")
    assert page.status_code == 200, page.status_code
    form = {
        "client_id": key.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "state": "12345678901234567890123456789012",
        "scope": scope,
        "allow": "Authorize",
        "user_seq_no": user_seq_no,
    }
    response = browser.post(f"/testbed/oauth/2.0/authorize?{query}", form)
    assert response.status_code == 302, response.status_code
    return parse_qs(urlparse(response["Location"]).query)["code"][0]


def token(api: Client, key: Key, **data) -> dict:
    response = api.post(
        "/testbed/oauth/2.0/token",
        {"client_id": key.client_id, "client_secret": key.client_secret, **data},
    )
    return {"_status": response.status_code, **response.json()}


def user_token(browser: Client, api: Client, key: Key, *, user_seq_no: str, **kw) -> dict:
    code = authorize(browser, key, user_seq_no=user_seq_no, **kw)
    return token(api, key, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)


def oob_token(api: Client, key: Key) -> dict:
    return token(api, key, grant_type="client_credentials", scope="oob")


def bank_tran_id(institution_id: int) -> str:
    return f"{client_use_code(institution_id)}U{next(_counter):09d}"


def tran_dtime() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S")


def call(api: Client, access_token: str, method: str, path: str, data: dict | None = None):
    headers = {"Authorization": f"Bearer {access_token}"}
    if method == "GET":
        response = api.get(f"/testbed{path}", data or {}, headers=headers)
    else:
        response = api.post(
            f"/testbed{path}", data or {}, content_type="application/json", headers=headers
        )
    return response.status_code, response.json()
