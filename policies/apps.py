from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("정책")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .memo import forget
        from .models import PolicyVersion

        post_save.connect(forget, sender=PolicyVersion, dispatch_uid="policy_memo_save")
        post_delete.connect(forget, sender=PolicyVersion, dispatch_uid="policy_memo_delete")
