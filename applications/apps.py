from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("이용신청")

    def ready(self):
        from .models import Application, Institution
        from .statistics import COUNTS

        COUNTS.drop_on_change(Application, Institution)
