"""Staff permission sets kept in the cache (accounts/permission_cache.py), seen through the admin.

The page is the applications changelist: it needs applications.view_application (or
change_application), and a staff user without either is refused with 403. Each test grants the
permission through a one-permission group, so revoking that permission really takes the page away.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.permission_cache import GENERATION_KEY, _entry_key

from .conftest import mfa_client
from .factories import StaffFactory

pytestmark = pytest.mark.django_db

PERM = "applications.view_application"


def view_application() -> Permission:
    return Permission.objects.get(
        content_type__app_label="applications", codename="view_application"
    )


@pytest.fixture
def readers(db) -> Group:
    group = Group.objects.create(name="신청서 열람")
    group.permissions.add(view_application())
    return group


@pytest.fixture
def reader(readers):
    """A staff member who may see the applications only through the readers group."""
    user = StaffFactory(with_role=False)
    user.groups.add(readers)
    return user


def visit(client) -> tuple[int, int]:
    """The changelist's status, and how many of the request's queries read auth_permission."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(reverse("admin:applications_application_changelist")).status_code
    return status, sum("auth_permission" in q["sql"] for q in queries.captured_queries)


def status_of(client) -> int:
    return visit(client)[0]


def test_a_staff_member_without_the_permission_is_refused_with_403(db):
    assert status_of(mfa_client(StaffFactory(with_role=False))) == 403


def test_the_second_request_is_served_without_the_two_permission_queries(reader):
    client = mfa_client(reader)
    url = reverse("admin:applications_application_changelist")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert sum("auth_permission" in q["sql"] for q in first.captured_queries) == 2
    assert not [q["sql"] for q in second.captured_queries if "auth_permission" in q["sql"]]
    assert len(second) == len(first) - 2


REVOCATIONS = {
    "removing the permission from the group": lambda user, group: group.permissions.remove(
        view_application()
    ),
    "removing the user from the group": lambda user, group: user.groups.remove(group),
    "removing the user from the group's side": lambda user, group: group.user_set.remove(user),
    "clearing the user's groups": lambda user, group: user.groups.clear(),
    "clearing the group's permissions": lambda user, group: group.permissions.clear(),
    "deleting the group": lambda user, group: group.delete(),
    "deleting the permission row": lambda user, group: view_application().delete(),
}


@pytest.mark.parametrize("revoke", REVOCATIONS.values(), ids=REVOCATIONS.keys())
def test_a_revocation_refuses_the_very_next_request(reader, readers, revoke):
    client = mfa_client(reader)
    assert visit(client) == (200, 2)
    assert visit(client) == (200, 0)  # the set is now served from the cache
    revoke(reader, readers)
    assert status_of(client) == 403


def test_revoking_a_direct_grant_refuses_the_very_next_request(db):
    user = StaffFactory(with_role=False)
    user.user_permissions.add(view_application())
    client = mfa_client(user)
    assert visit(client) == (200, 2)
    assert visit(client) == (200, 0)
    user.user_permissions.remove(view_application())
    assert status_of(client) == 403


def test_joining_a_group_is_seen_on_the_very_next_request(readers):
    user = StaffFactory(with_role=False)
    client = mfa_client(user)
    assert visit(client) == (403, 2)
    assert visit(client) == (403, 0)  # the empty set is kept too
    user.groups.add(readers)
    assert status_of(client) == 200


def test_a_permission_added_to_the_group_is_seen_on_the_very_next_request(db):
    group = Group.objects.create(name="빈 그룹")
    user = StaffFactory(with_role=False)
    user.groups.add(group)
    client = mfa_client(user)
    assert visit(client) == (403, 2)
    assert visit(client) == (403, 0)
    group.permissions.add(view_application())
    assert status_of(client) == 200


def test_a_direct_grant_is_seen_on_the_very_next_request(db):
    user = StaffFactory(with_role=False)
    client = mfa_client(user)
    assert visit(client) == (403, 2)
    assert visit(client) == (403, 0)
    user.user_permissions.add(view_application())
    assert status_of(client) == 200


def test_a_demoted_superuser_loses_what_only_the_flag_gave_on_the_next_request(db):
    boss = StaffFactory(with_role=False, is_superuser=True)
    client = mfa_client(boss)
    assert status_of(client) == 200
    # Whatever reads the superuser's whole set (every permission) keeps it in the cache.
    assert PERM in boss.get_all_permissions()
    assert cache.get(_entry_key(boss)) is not None
    boss.is_superuser = False
    boss.save()  # saving a user drops no kept set: the flag is in the key instead
    assert status_of(client) == 403


def test_a_set_kept_before_the_commit_is_not_believed_after_it(
    reader, readers, django_capture_on_commit_callbacks
):
    client = mfa_client(reader)
    assert status_of(client) == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        readers.permissions.remove(view_application())
        # A concurrent request could not see the uncommitted removal: it read the old grants and
        # kept them under the generation in force at that moment.
        generation = cache.get(GENERATION_KEY)
        cache.set(_entry_key(reader), (generation, frozenset({PERM})), 300)
        assert status_of(client) == 200  # believed until the commit
    assert callbacks
    assert cache.get(GENERATION_KEY) != generation
    assert status_of(client) == 403


def test_an_evicted_generation_never_revives_an_old_entry(db):
    user, other = StaffFactory(with_role=False), StaffFactory(with_role=False)
    client, other_client = mfa_client(user), mfa_client(other)
    cache.delete(GENERATION_KEY)  # evicted: the next request starts a new generation
    assert visit(other_client) == (403, 2)
    # The user's set kept under that generation (granted then, say); the cache evicts it again,
    # and someone else's request starts the generation after it.
    cache.set(_entry_key(user), (cache.get(GENERATION_KEY), frozenset({PERM})), 300)
    cache.delete(GENERATION_KEY)
    assert visit(other_client) == (403, 2)
    assert visit(client) == (403, 2)  # read from the database, not the old entry
    assert visit(client) == (403, 0)


class BrokenCache:
    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache unavailable")

    get_many = get = add = set = _fail


@pytest.mark.parametrize(("with_group", "status"), [(True, 200), (False, 403)])
def test_a_failing_cache_answers_from_the_database(readers, monkeypatch, with_group, status):
    user = StaffFactory(with_role=False)
    if with_group:
        user.groups.add(readers)
    client = mfa_client(user)
    monkeypatch.setattr("openbanking_portal.kept.cache", BrokenCache())
    assert visit(client) == (status, 2)
    assert visit(client) == (status, 2)


def test_a_failing_cache_still_sees_a_revocation(reader, readers, monkeypatch):
    client = mfa_client(reader)
    assert visit(client) == (200, 2)
    monkeypatch.setattr("openbanking_portal.kept.cache", BrokenCache())
    readers.permissions.remove(view_application())
    assert visit(client) == (403, 2)


def test_with_the_cache_turned_off_the_permissions_are_read_on_every_request(reader, settings):
    settings.PERMISSION_CACHE_SECONDS = 0
    client = mfa_client(reader)
    assert visit(client) == (200, 2)
    assert visit(client) == (200, 2)
    assert cache.get(_entry_key(reader)) is None


def test_two_staff_members_never_see_each_others_sets(reader):
    other = StaffFactory(with_role=False)
    reader_client, other_client = mfa_client(reader), mfa_client(other)
    assert visit(reader_client) == (200, 2)
    assert visit(other_client) == (403, 2)
    assert visit(reader_client) == (200, 0)
    assert visit(other_client) == (403, 0)
