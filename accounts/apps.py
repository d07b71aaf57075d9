from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("계정")

    def ready(self):
        from . import checks, signals  # noqa: F401
        from .permission_cache import connect_signals

        connect_signals()
