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
