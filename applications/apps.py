from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("이용신청")

    def ready(self):
        from openbanking_portal.kept import changes_state, created

        from .models import Application, AuditEntry, Institution, ScreeningRuleSet
        from .models.screening import IN_FORCE
        from .statistics import COUNTS

        IN_FORCE.drop_on_change(ScreeningRuleSet)

        # By size class (the institution's capital and type) and state: not on other edits.
        COUNTS.drop_on_change(Institution)
        COUNTS.drop_on_change(Application, when=created)
        COUNTS.drop_on_change(AuditEntry, when=changes_state)
