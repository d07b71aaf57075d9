from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApprovalChain, ApprovalRecord


@admin.register(ApprovalChain)
class ApprovalChainAdmin(admin.ModelAdmin):
    """Staff configure chains without code: add a new version with a future effective date;
    a version already in force stays as it is (history of who approved under which rules)."""

    list_display = ("decision", "effective_from", "level_count", "in_use_display", "note")
    list_filter = ("decision",)
    fields = ("decision", "levels", "effective_from", "note")

    @admin.display(description=_("단계 수"))
    def level_count(self, obj):
        return len(obj.levels or [])

    @admin.display(description=_("시행 중"), boolean=True)
    def in_use_display(self, obj):
        return obj.in_use

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.in_use:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.in_use:  # replaces the version pending levels were recorded under
            from .chains import cancel_replaced_chains

            cancel_replaced_chains(decision=obj.decision, by=request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.in_use:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ApprovalRecord)
class ApprovalRecordAdmin(admin.ModelAdmin):
    list_display = (
        "application",
        "decision",
        "level",
        "of_levels",
        "reviewer",
        "at",
        "closed",
        "cancelled_at",
    )
    list_filter = ("decision", "closed")
    list_select_related = ("application__institution", "reviewer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
