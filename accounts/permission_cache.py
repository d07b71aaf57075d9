"""Staff permissions kept in the shared cache, dropped on every change that could alter them.

Django's ModelBackend reads a user's permissions with two queries on every request that checks one
(every admin page): ~1.5 ms of ORM and database time for a set that changes only when staff edit
groups or grants. Here the set is kept (openbanking_portal/kept.py: Redis in production, shared by
every worker) until any group, permission, content type, group membership or grant is saved or
deleted — through the admin, the ORM or the m2m managers — so revocation stays immediate.

Not seen until the set expires (`PERMISSION_CACHE_SECONDS`, 5 minutes by default): grants changed
by `QuerySet.update` or raw SQL, and a set read inside a transaction that changed a grant and was
then rolled back.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from openbanking_portal.kept import Kept

PERMISSIONS = Kept("permissions", seconds=lambda: settings.PERMISSION_CACHE_SECONDS)
GENERATION_KEY = PERMISSIONS.generation_key


def _entry_key(user) -> str:
    return PERMISSIONS.key(_part(user))


def _part(user) -> str:
    # The superuser flag is part of the key: it lives on the user row (read fresh on every request),
    # so a demoted superuser never meets the full set cached while the flag was on.
    return f"{user.pk}:{int(user.is_superuser)}"


def connect_signals() -> None:
    """Every write that can change a user's permissions drops the kept sets (AccountsConfig.ready)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import post_delete

    User = get_user_model()
    PERMISSIONS.drop_on_change(
        Group,
        Permission,
        ContentType,
        m2m=(User.groups.through, User.user_permissions.through, Group.permissions.through),
    )
    # A deleted user's id can be given again (SQLite reuses the highest rowid).
    post_delete.connect(PERMISSIONS.drop, sender=User, weak=False, dispatch_uid="kept-perms-user")


class CachedPermissionBackend(ModelBackend):
    """ModelBackend whose `get_all_permissions` is served from the shared cache when it can be."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            read = super().get_all_permissions
            kept = PERMISSIONS.get(_part(user_obj), lambda: frozenset(read(user_obj)))
            user_obj._perm_cache = set(kept)
        return user_obj._perm_cache
