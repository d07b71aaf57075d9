"""Staff view of the testbed: keys and the call log (read-only — the log is evidence)."""

from django.contrib import admin

from .models import TestbedCall, TestbedProfile, TestClient


class ReadOnlyAdmin(admin.ModelAdmin):
    # Whoever runs functional tests reads the evidence.
    def has_view_permission(self, request, obj=None):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (
                user.has_perm("applications.advance_application")
                or super().has_view_permission(request, obj)
            )
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TestbedCall)
class TestbedCallAdmin(ReadOnlyAdmin):
    list_display = ["at", "institution", "api_code", "endpoint", "rsp_code", "http_status"]
    list_filter = ["api_code", "rsp_code"]
    search_fields = ["institution__name", "api_tran_id", "bank_tran_id"]
    list_select_related = ["institution"]
    date_hierarchy = "at"


@admin.register(TestClient)
class TestClientAdmin(ReadOnlyAdmin):
    list_display = ["client_id", "name", "institution", "created_at", "rotated_at", "revoked_at"]
    search_fields = ["institution__name", "client_id"]
    list_select_related = ["institution"]


@admin.register(TestbedProfile)
class TestbedProfileAdmin(ReadOnlyAdmin):
    list_display = ["institution", "has_sub_merchants", "seeded_at"]
    list_select_related = ["institution"]
