from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("API 연동")

    def ready(self):
        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
