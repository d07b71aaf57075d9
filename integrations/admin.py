from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from openbanking_portal.errors import PortalError

from . import tokens
from .models import ApiToken


class IssueTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["institution", "name", "acting_user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "institution",
        "acting_user",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "institution__name")
    list_select_related = ("institution", "acting_user")
    autocomplete_fields = ["institution", "acting_user"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = IssueTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [f.name for f in ApiToken._meta.fields]
        return []

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            token, key = tokens.issue_token(
                institution=obj.institution,
                by=request.user,
                name=obj.name,
                acting_user=obj.acting_user,
            )
        except PortalError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = token.pk
        self.message_user(
            request,
            _("API 키가 발급되었습니다. 지금 한 번만 표시됩니다: %(key)s") % {"key": key},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("선택한 API 키 폐기"))
    def revoke(self, request, queryset):
        for token in queryset:
            tokens.revoke_token(token=token, by=request.user)
        self.message_user(request, _("폐기했습니다."), messages.SUCCESS)
