"""Staff reach the admin only with TOTP set up and passed in this session (allauth.mfa)."""

import pytest
from django.test import Client
from django.urls import reverse

from .factories import PASSWORD, StaffFactory, totp_of

pytestmark = pytest.mark.django_db


def test_staff_without_totp_is_sent_to_activate_it():
    staff = StaffFactory(totp=False)
    client = Client()
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_staff_login_asks_for_the_totp_code_before_the_admin(monkeypatch):
    staff = StaffFactory()
    client = Client()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # password alone does not open the admin

    from allauth.mfa.totp.internal import auth

    secret = auth.decrypt(totp_of(staff).instance.data["secret"])
    counter = next(iter(auth.yield_hotp_counters_from_time())) + auth.app_settings.TOTP_TOLERANCE
    code = auth.format_hotp_value(auth.hotp_value(secret, counter))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_session_forced_without_mfa_is_logged_out_of_the_admin():
    staff = StaffFactory()
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_login_page_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/applications/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
