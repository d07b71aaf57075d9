"""Staff work on steps 2-3 in the admin: checklist items and findings inline, overdue work first.

Every change goes through the services (reviews/functional_test.py, reviews/security_check.py); the
admin only collects input and shows their PortalError as a message.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openbanking_portal.errors import PortalError

from . import functional_test, security_check
from .models import (
    Agency,
    AgencyMembership,
    CheckDocument,
    ChecklistItem,
    Finding,
    FunctionalTestFunction,
    FunctionalTestRequest,
    FunctionalTestRound,
    ItemResult,
    SecurityCheck,
)
from .sla import due_at, review_targets


def _nothing_saved_directly(formset) -> None:
    # The admin's change message reads these; the services wrote the rows and the audit entries.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class AgencyMembershipInline(admin.TabularInline):
    model = AgencyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_name", "email", "phone", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [AgencyMembershipInline]


class FunctionalTestFunctionInline(admin.TabularInline):
    model = FunctionalTestFunction
    fields = ("api_code", "usage")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FunctionalTestRequest)
class FunctionalTestRequestAdmin(admin.ModelAdmin):
    list_display = ("application", "submitted_at", "updated_at")
    list_select_related = ("application__institution",)
    readonly_fields = ("application", "test_build", "submitted_at", "submitted_by")
    fields = readonly_fields
    inlines = [FunctionalTestFunctionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = (
        "api_display",
        "usage",
        "result",
        "note",
        "testbed_evidence",
        "evidence_link",
        "evidence",
        "checked_by",
        "checked_at",
    )
    readonly_fields = (
        "api_display",
        "usage",
        "testbed_evidence",
        "evidence_link",
        "checked_by",
        "checked_at",
    )
    # Private files: no storage URL in the widget, the link goes through the checking view.
    formfield_overrides = {models.FileField: {"widget": forms.FileInput}}
    extra = 0
    can_delete = False

    def get_formset(self, request, obj=None, **kwargs):
        # The testbed call log per function (issue 8), for the whole checklist in two queries.
        from testbed.evidence import evidence_for_many

        codes = list(obj.items.values_list("api_code", flat=True)) if obj else []
        self._evidence = evidence_for_many(obj.application.institution_id, codes) if obj else {}
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("테스트베드 호출 증빙"))
    def testbed_evidence(self, item):
        from testbed.evidence import render_evidence

        evidence = getattr(self, "_evidence", {}).get(item.api_code)
        return render_evidence(evidence) if evidence else "—"

    @admin.display(description=_("등록된 증빙"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reviews:checklist_evidence", args=[obj.pk]),
            obj.evidence_name or "evidence",
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("API"))
    def api_display(self, obj):
        return obj.api_display


class OverdueFirstMixin:
    """Staff see overdue work first (DOMAIN §2/§7 SLA from the `review_targets` policy)."""

    sla_days_attr = ""
    start_field = ""

    def sla_days(self) -> int:
        return getattr(review_targets(), self.sla_days_attr)

    def get_queryset(self, request):
        # ModelAdmin.get_queryset orders before we could annotate: build it here instead.
        self._days = self.sla_days()
        qs = self.model._default_manager.get_queryset().with_overdue(self._days)
        return qs.order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        return ["-is_overdue", self.start_field]

    @admin.display(description=_("목표 기한"))
    def due(self, obj):
        return due_at(getattr(obj, self.start_field), getattr(self, "_days", self.sla_days()))

    @admin.display(description=_("기한 경과"), boolean=True, ordering="is_overdue")
    def overdue(self, obj):
        return getattr(obj, "is_overdue", False)


@admin.register(FunctionalTestRound)
class FunctionalTestRoundAdmin(OverdueFirstMixin, admin.ModelAdmin):
    sla_days_attr = "functional_test_days"
    start_field = "opened_at"
    list_display = ("application", "number", "outcome", "opened_at", "due", "overdue")
    list_filter = ("outcome",)
    search_fields = ("application__institution__name", "application__service_name")
    list_select_related = ("application__institution",)
    readonly_fields = (
        "application",
        "number",
        "outcome",
        "test_build",
        "opened_at",
        "opened_by",
        "closed_at",
        "closed_by",
        "note",
    )
    fields = readonly_fields
    inlines = [ChecklistItemInline]
    actions = ["pass_selected", "fail_selected"]

    def has_add_permission(self, request):
        return False  # rounds are opened by the applicant's request

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # every field of the round is read-only; the items are saved by save_formset

    def save_formset(self, request, form, formset, change):
        _nothing_saved_directly(formset)
        for item_form in formset.forms:
            if not item_form.has_changed():
                continue
            item = item_form.instance
            data = item_form.cleaned_data
            evidence = data["evidence"] if "evidence" in item_form.changed_data else None
            if data["result"] == ItemResult.PENDING:
                continue
            # The form has written its values onto the instance; the service decides and saves.
            fresh = ChecklistItem.objects.select_related("round__application").get(pk=item.pk)
            try:
                functional_test.record_item(
                    item=fresh,
                    by=request.user,
                    result=data["result"],
                    note=data.get("note", ""),
                    evidence=evidence or None,
                )
            except PortalError as exc:
                self.message_user(request, f"{fresh.api_display}: {exc.message}", messages.ERROR)

    def _close(self, request, queryset, service, done):
        for round_ in queryset.select_related("application__institution"):
            try:
                service(round_=round_, by=request.user)
            except PortalError as exc:
                self.message_user(request, f"{round_}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{round_}: {done}", messages.SUCCESS)

    @admin.action(description=_("기능테스트 통과 (보안점검 단계로)"))
    def pass_selected(self, request, queryset):
        self._close(request, queryset, functional_test.pass_round, _("통과 처리되었습니다."))

    @admin.action(description=_("불합격 — 불합격 항목을 신청기관에 반려"))
    def fail_selected(self, request, queryset):
        self._close(request, queryset, functional_test.fail_round, _("신청기관에 반려했습니다."))


class FindingInline(admin.TabularInline):
    model = Finding
    fk_name = "check_record"
    fields = ("title", "severity", "deficient", "description", "resolved_at", "remediation_notes")
    readonly_fields = ("resolved_at", "remediation_notes")
    extra = 1
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description=_("조치 내용"))
    def remediation_notes(self, obj):
        return (
            " / ".join(f"{r.round}차: {r.note}" for r in obj.remediations.all()) if obj.pk else ""
        )


class CheckDocumentInline(admin.TabularInline):
    model = CheckDocument
    fk_name = "check_record"
    fields = ("kind", "download", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("파일"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("reviews:check_document", args=[obj.pk]),
            obj.original_name,
        )


@admin.register(SecurityCheck)
class SecurityCheckAdmin(OverdueFirstMixin, admin.ModelAdmin):
    sla_days_attr = "security_check_days"
    start_field = "applied_at"
    list_display = (
        "application",
        "kind",
        "agency",
        "status",
        "applied_at",
        "due",
        "overdue",
        "recheck_required_at",
    )
    list_filter = ("kind", "status", "agency")
    search_fields = ("application__institution__name", "application__service_name")
    list_select_related = ("application__institution", "agency")
    readonly_fields = (
        "application",
        "kind",
        "status",
        "agency",
        "agreed_start",
        "agreed_end",
        "applied_at",
        "applied_by",
        "started_at",
        "result_submitted_at",
        "result_summary",
        "remediation_round",
        "accepted_at",
        "accepted_by",
        "recheck_required_at",
    )
    fields = (*readonly_fields, "valid_until")
    inlines = [FindingInline, CheckDocumentInline]
    actions = ["accept_selected", "request_remediation_selected"]

    def has_add_permission(self, request):
        return False  # checks are applied for by the applicant

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # read-only but the validity date (issue 10); findings are added by save_formset
        if change and "valid_until" in form.changed_data:
            from applications.audit import log_action

            SecurityCheck.objects.filter(pk=obj.pk).update(valid_until=obj.valid_until)
            log_action(
                action="security_check.validity_set",
                actor=request.user,
                application=obj.application,
                data={"check": obj.pk, "kind": obj.kind, "valid_until": str(obj.valid_until)},
            )

    def save_formset(self, request, form, formset, change):
        _nothing_saved_directly(formset)
        if formset.model is not Finding:
            return
        for finding_form in formset.forms:
            if finding_form.instance.pk or not finding_form.has_changed():
                continue  # recorded findings are not edited; remediation has its own flow
            data = finding_form.cleaned_data
            try:
                security_check.add_finding(
                    check=form.instance,
                    by=request.user,
                    title=data["title"],
                    severity=data["severity"],
                    deficient=data["deficient"],
                    description=data.get("description", ""),
                )
            except PortalError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    def _each(self, request, queryset, service, done):
        for check in queryset.select_related("application__institution", "agency"):
            try:
                service(check=check, by=request.user)
            except PortalError as exc:
                self.message_user(request, f"{check}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{check}: {done}", messages.SUCCESS)

    @admin.action(description=_("검토 완료 (미흡 항목 조치 확인)"))
    def accept_selected(self, request, queryset):
        self._each(request, queryset, security_check.accept_check, _("검토 완료했습니다."))

    @admin.action(description=_("미흡 항목 조치 요청"))
    def request_remediation_selected(self, request, queryset):
        self._each(request, queryset, security_check.request_remediation, _("조치를 요청했습니다."))
