from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from policies.services import large_capital_threshold

from .models import SizeClass, Step
from .models.institution import size_class_case


class StepFilter(admin.SimpleListFilter):
    title = _("단계")
    parameter_name = "step"

    def lookups(self, request, model_admin):
        return Step.choices

    def queryset(self, request, queryset):
        return queryset.in_step(self.value()) if self.value() else queryset


class SizeClassFilter(admin.SimpleListFilter):
    title = _("규모")
    parameter_name = "size_class"
    institution_prefix = "institution__"

    def lookups(self, request, model_admin):
        return SizeClass.choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        case = size_class_case(large_capital_threshold(), self.institution_prefix)
        return queryset.alias(size_class=case).filter(size_class=self.value())


class InstitutionSizeClassFilter(SizeClassFilter):
    institution_prefix = ""
