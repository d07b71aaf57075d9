from django.contrib import admin

from .models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
