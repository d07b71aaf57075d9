"""Staff see what was sent (issue 10 item 4): a read-only log, gated by notifications.view_notice."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "recipient_display",
        "category",
        "subject",
        "emailed",
        "email_status",
        "email_attempts",
        "read_at",
    )
    list_filter = ("category", "emailed", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("email", "recipient__email", "subject")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notice._meta.fields]

    @admin.display(description=_("수신자"), ordering="email")
    def recipient_display(self, obj):
        return obj.email or (obj.recipient.email if obj.recipient else "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
