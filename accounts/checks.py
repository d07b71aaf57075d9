"""`manage.py check --deploy`: production needs a cache that every web process shares."""

from django.conf import settings
from django.core import checks

PER_PROCESS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] not in PER_PROCESS:
        return []
    return [
        checks.Warning(
            "The default cache is local to each process.",
            hint=(
                "Set REDIS_CACHE_URL. With several web processes a per-process cache keeps a "
                "revoked permission, the dashboard figures and the API rate limits apart in each "
                "process (openbanking_portal/kept.py)."
            ),
            id="portal.W001",
        )
    ]
