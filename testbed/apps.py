from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestbedConfig(AppConfig):
    name = "testbed"
    verbose_name = _("테스트베드")
