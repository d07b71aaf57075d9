from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "casework"
    verbose_name = _("업무 관리 (SLA·모니터링)")

    def ready(self):
        from .dashboard import kept_sources

        kept_sources()
