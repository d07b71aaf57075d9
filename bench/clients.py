import os
import socket
import time

from django.test import Client


def mfa_session_client(user) -> Client:
    """A logged-in client whose session passed the TOTP stage (as allauth records it)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "mfa", "at": time.time(), "type": "totp"}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def redis_cache_url() -> str:
    """The production cache (Redis) when one answers on loopback; else the local-memory default."""
    if os.environ.get("REDIS_CACHE_URL"):
        return os.environ["REDIS_CACHE_URL"]
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return ""
    return "redis://127.0.0.1:6379/9"


def production_like_settings(**overrides):
    """What a request sees in production, for the test client: DEBUG off, no real e-mail, the
    shared cache (Redis: every kept value costs a round trip, as in production) when one answers.

    Not `setup_test_environment()`: it instruments every template render for the test client
    (a signal and a context copy per template), which production does not pay (5–10 % of the
    admin changelist's CPU here)."""
    from django.conf import settings
    from django.test.utils import override_settings

    if url := redis_cache_url():
        overrides.setdefault(
            "CACHES",
            {
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": url,
                }
            },
        )
    return override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        **overrides,
    )
