from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import PolicyKind, PolicyVersion


class PolicyVersionForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["kind", "effective_from", "data", "note"]

    def clean(self):
        cleaned = super().clean()
        kind, data = cleaned.get("kind"), cleaned.get("data")
        if (
            kind in (PolicyKind.SELF_CERTIFICATION, PolicyKind.CENTRE_GUARANTEE)
            and data is not None
        ):
            from contracts.scoring import policy_problems

            problems = policy_problems(kind, data)
            if problems:
                self.add_error("data", [_("정책 값 오류: %s") % p for p in problems])
        return cleaned


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    form = PolicyVersionForm
    list_display = ("kind", "effective_from", "note", "created_by", "created_at")
    list_filter = ("kind",)
    save_as = True  # "save as new" is how staff derive the next version from one in use
    readonly_fields = ("created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_in_use:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_in_use:
            return False
        return super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request):
        # "새 버전" link from a version in use: start from its values (?copy_from=<id>).
        source = PolicyVersion.objects.filter(pk=request.GET.get("copy_from") or 0).first()
        if source is None:
            return super().get_changeform_initial_data(request)
        return {"kind": source.kind, "data": source.data, "note": ""}

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
