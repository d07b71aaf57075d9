from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("운영 (이용실적·수수료·하위사업자·제재)")

    def ready(self):
        from .selectors import kept_sources

        kept_sources()
