from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from openbanking_portal.errors import PortalError

from .models import Bank, Contract
from .signing import record_signature


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "active", "joined_on")
    list_filter = ("active",)
    search_fields = ("code", "name", "name_en")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("application", "main_bank", "signed_at")
    list_select_related = ("application__institution", "main_bank")
    readonly_fields = ("signed_at", "signed_by")
    autocomplete_fields = ["application"]
    actions = ["sign"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.signed_at:
            return ("application", "main_bank", "signed_at", "signed_by")
        return self.readonly_fields

    @admin.action(description=_("계약 체결 기록"))
    def sign(self, request, queryset):
        for contract in queryset.select_related("application"):
            try:
                record_signature(application=contract.application, by=request.user)
            except PortalError as exc:
                self.message_user(request, f"{contract.application}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{contract.application}: {_('계약 체결 기록')}", messages.SUCCESS
                )
