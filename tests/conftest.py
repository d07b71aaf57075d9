import datetime
import time

import pytest
from django.test import Client
from django.utils import timezone

from applications.lifecycle import apply_transition
from applications.models import Application
from approvals.models import ApprovalChain

from .factories import ApplicationFactory, MembershipFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; ids repeat across tests, so each test starts clean."""
    from django.core.cache import cache

    cache.clear()


def mfa_client(user) -> Client:
    """A client logged in as `user` whose session has passed the TOTP stage, as allauth records it."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_client(staff):
    return mfa_client(staff)


@pytest.fixture
def member(db):
    """alice: admin member of her institution."""
    return MembershipFactory()


@pytest.fixture
def applicant_client(member):
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def application(member):
    return ApplicationFactory(institution=member.institution, created_by=member.user)


@pytest.fixture
def submitted(application):
    apply_transition(application=application, name="submit", by=application.created_by)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def two_level_chain(db):
    return ApprovalChain.objects.create(
        decision="approve",
        levels=["applications.decide_application", "approvals.approve_level2"],
        effective_from=timezone.localdate() - datetime.timedelta(days=1),
    )


@pytest.fixture
def other_client(db):
    """bob: member of another institution."""
    client = Client()
    client.force_login(MembershipFactory().user)
    return client


@pytest.fixture
def outsider_client(db):
    client = Client()
    client.force_login(UserFactory())
    return client


def text_of(response) -> str:
    """The page as a user reads it (entities such as &#x27; unescaped)."""
    import html

    return html.unescape(response.content.decode())
