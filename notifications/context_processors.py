from django.utils.functional import SimpleLazyObject


def unread_notices(request):
    """The header's unread count, evaluated only when a page's template shows it (the admin's
    templates never do): from the cache, else one COUNT query (the writers drop the cached value)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from .services import unread_count

        return unread_count(user)

    return {"unread_notices": SimpleLazyObject(count)}
