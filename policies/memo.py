"""One read of each policy per request.

A page often needs the same policy in several places (the staff dashboard reads `review_targets`
for the SLA list and for security-check validity). The middleware opens a memo for the request;
`PolicyVersion.objects.in_force` answers repeats from it. Saving or deleting a version clears it, so
a staff edit is seen by the rest of the same request. A page that reads several policies can
read them in one query first (`policies.services.read_in_force`). Outside a request (Celery
tasks, shell) there is no memo and every call reads the database."""

from __future__ import annotations

import copy
from contextvars import ContextVar

_memo: ContextVar[dict | None] = ContextVar("policy_memo", default=None)


def remembered(key, read):
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    # A copy, so a caller that changes its version's data cannot change another caller's.
    return copy.deepcopy(memo[key])


def is_open() -> bool:
    return _memo.get() is not None


def remember_many(answers: dict) -> None:
    """Store answers read together (several policies in one query); earlier answers stay."""
    memo = _memo.get()
    if memo is not None:
        for key, value in answers.items():
            memo.setdefault(key, value)


def forget(**kwargs) -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class PolicyMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
