from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("이용신청")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Application, Institution
        from .statistics import forget_counts

        for model in (Application, Institution):
            for signal in (post_save, post_delete):
                uid = f"statistics_{model.__name__}"
                signal.connect(forget_counts, sender=model, dispatch_uid=uid)
