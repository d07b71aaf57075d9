"""Values worked out from the database and kept in the shared cache until one of their sources changes.

Each kind of kept value (a user's permissions, the pre-application statistics, the staff
dashboard's figures) has a *generation*: a random token in the cache, replaced on every save or
delete of one of its source models (and on their many-to-many changes) when the write is made and
again when its transaction commits. A value is kept beside the generation read *before* the
database was, so a reader that raced an uncommitted writer keeps its answer under a generation the
commit has replaced: nothing stale outlives a commit. A random token rather than a counter, so an
evicted generation never brings old values back. If the cache fails, the value is worked out from
the database as if nothing were kept (but if only the new generation cannot be written, values kept
under the old one are served until they expire).

Writes that bypass the ORM's signals (`QuerySet.update`, raw SQL) are seen when the value expires:
`seconds` bounds them, and anything that changes with the clock alone.

A kind with `refresh` is worked out again by a Celery task right after each commit that dropped it
(one task in flight per kind; a task that finds the value already worked out under the current
generation does nothing), so the next reader finds it kept: the cost of a change falls on a worker,
not on the staff member who opens the page next.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)
T = TypeVar("T")
KINDS: dict[str, Kept] = {}
REFRESH_PENDING_SECONDS = 60  # a lost task stops holding back the next refresh after this


class Kept:
    def __init__(
        self, name: str, *, seconds: int | Callable[[], int], refresh: Callable | None = None
    ):
        self.name = name
        self.generation_key = f"kept:{name}:generation"
        self.pending_key = f"kept:{name}:refresh-pending"
        self._seconds = seconds
        self.refresh = refresh  # works the value of the present out (through `get`)
        self._last_drop = threading.local()  # this thread's (connection's) latest drop
        KINDS[name] = self

    @property
    def seconds(self) -> int:
        return self._seconds() if callable(self._seconds) else self._seconds

    def key(self, part: str) -> str:
        return f"kept:{self.name}:{part}"

    def get(self, part: str, compute: Callable[[], T]) -> T:
        """The value kept under `part` if its generation is current, else `compute()` (kept)."""
        seconds = self.seconds
        if not seconds:
            return compute()
        key = self.key(part)
        try:
            generation, kept = self._read(key)
        except Exception:
            log.exception("cache unavailable; %s read from the database", self.name)
            return compute()
        if kept is not None and kept[0] == generation:
            return kept[1]
        value = compute()
        try:
            cache.set(key, (generation, value), seconds)
        except Exception:
            log.exception("could not keep %s", key)
        return value

    def _read(self, key: str) -> tuple[str, tuple | None]:
        """The generation in force and the entry kept under `key`, in one round trip."""
        found = cache.get_many([self.generation_key, key])
        generation = found.get(self.generation_key)
        if generation is None:  # first use, or evicted: whatever was kept before is stale
            cache.add(self.generation_key, uuid.uuid4().hex, None)
            return cache.get(self.generation_key), None
        return generation, found.get(key)

    def drop(self, **_signal) -> None:
        """Make every kept value stale, now and again when the current transaction commits."""
        if _signal.get("action", "post_").startswith("post_"):  # m2m_changed: after the change
            token = self._new_generation()
            self._last_drop.token = token
            transaction.on_commit(partial(self._after_commit, token), robust=True)

    def forget(self) -> None:
        """Make every kept value stale at once, queueing no refresh: what a view that races the
        worker's refresh finds (bench/pages.py)."""
        self._new_generation()

    def _after_commit(self, token: str | None) -> None:
        self._new_generation()
        # Only the transaction's last drop queues the refresh: after every other one has replaced
        # the generation (a transaction of many rows works the value out once, under the last).
        if self.refresh is not None and getattr(self._last_drop, "token", None) == token:
            self._queue_refresh()

    def _queue_refresh(self) -> None:
        try:
            if cache.add(self.pending_key, 1, REFRESH_PENDING_SECONDS):
                refresh_kept.delay(self.name)
        except Exception:  # the next reader works the value out instead
            log.exception("could not queue the refresh of %s", self.name)

    def _new_generation(self) -> str | None:
        token = uuid.uuid4().hex
        try:
            cache.set(self.generation_key, token, None)
        except Exception:  # values kept under the old generation are served until they expire
            log.exception("could not replace the generation of %s", self.name)
            return None
        return token

    def drop_on_change(self, *models, m2m: tuple = (), when=None) -> None:
        """Drop on every save or delete of `models` and every change of the `m2m` through tables;
        with `when(instance, created)`, only on the saves it accepts (deletes always drop)."""
        on_save = self.drop
        if when is not None:

            def on_save(instance, created=False, **_signal):
                if when(instance, created):
                    self.drop()

        for model in (*models, *m2m):
            uid = f"kept-{self.name}-{model._meta.label}"
            post_save.connect(on_save, sender=model, weak=False, dispatch_uid=uid)
            post_delete.connect(self.drop, sender=model, weak=False, dispatch_uid=uid)
        for through in m2m:
            uid = f"kept-{self.name}-{through._meta.label}"
            m2m_changed.connect(self.drop, sender=through, weak=False, dispatch_uid=uid)


def created(instance, created: bool) -> bool:
    """`when` for values that depend on which rows exist, not on their other fields."""
    return created


def changes_state(entry, created: bool) -> bool:
    """`when` for audit entries: an application's state changed (every transition writes one)."""
    return bool(entry.to_state)


@shared_task(ignore_result=True)
def refresh_kept(name: str) -> None:
    """Work a kept value out again after a change (Kept.refresh). Safe to run twice."""
    kept = KINDS[name]
    cache.delete(kept.pending_key)  # a change from now on queues the next refresh
    try:
        kept.refresh()
    except Exception:  # the next reader works it out instead
        log.exception("could not refresh %s", name)
