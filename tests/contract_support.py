"""Shared setup for the contract-step tests (tests/test_contract_*.py)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission

from applications.models import State
from contracts.preparation import prepare_signed_contract

from .conftest import mfa_client
from .factories import ApplicationFactory, StaffFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def contract_app(member):
    """alice's application, in the contract step."""
    return ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.CONTRACT
    )


@pytest.fixture
def signed_app(contract_app, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        prepare_signed_contract(application=contract_app, staff=staff)
    contract_app.refresh_from_db()
    return contract_app


def staff_with(*perms, **kwargs):
    """A staff member holding only `perms` (dotted), MFA passed."""
    user = StaffFactory(with_role=False, **kwargs)
    for dotted in perms:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def limited_staff_client(db):
    """Staff who may run the contract step but not see full account numbers."""
    return mfa_client(
        staff_with(
            "applications.advance_application",
            "applications.view_application",
            "contracts.view_contract",
            "contracts.change_contract",
            "contracts.view_contractaccount",
        )
    )


class _FormFields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "checkbox"}:
            self.data.setdefault(name, []).append(a.get("value") or "")
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data.setdefault(name, []).append(a.get("value") or "on")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def admin_form_data(response, **overrides) -> dict:
    """The admin change form as the browser would submit it, with `overrides` applied."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = {
        k: v if len(v) != 1 else v[0] for k, v in parser.data.items() if k != "csrfmiddlewaretoken"
    }
    data.update(overrides)
    return data
