"""Staff work after launch in the admin: usage import, invoices and payments, sub-merchant approval,
suspension/termination cases, and the operations dashboard. Every action calls a service."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from applications.models import Step
from policies.models import PolicyKind
from policies.services import read_in_force

from . import payments, sanctions, selectors, submerchants, usage
from .admin_views import DecisionButtonsMixin, decision_page, file_import_page
from .models import (
    BillingRun,
    DailyUsage,
    Invoice,
    InvoiceLine,
    Payment,
    SanctionCase,
    SubMerchant,
    UsageImport,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DailyUsage)
class DailyUsageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("day", "institution", "api", "count", "amount_krw", "source")
    list_filter = ("api", "day")
    search_fields = ("institution__name", "institution__business_registration_number")
    list_select_related = ("institution", "source")
    date_hierarchy = "day"
    change_list_template = "admin/operations/dailyusage/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="operations_dailyusage_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        def run(upload):
            record, written = usage.import_csv(
                content=upload.read(), filename=upload.name, by=request.user
            )
            if written:
                return _("%(n)d행을 등록했습니다.") % {"n": record.rows}, messages.SUCCESS
            return _("이미 등록된 파일입니다. 변경 사항이 없습니다."), messages.INFO

        return file_import_page(
            self,
            request,
            permission="operations.add_usageimport",
            title=_("이용실적 파일 등록"),
            label=_("이용실적 CSV 파일"),
            columns=usage.COLUMNS,
            run=run,
        )


@admin.register(UsageImport)
class UsageImportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("imported_at", "filename", "source", "rows", "imported_by")
    list_select_related = ("imported_by",)


@admin.register(BillingRun)
class BillingRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("month", "started_at", "finished_at", "invoices_created")


class InvoiceLineInline(ReadOnlyMixin, admin.TabularInline):
    model = InvoiceLine
    extra = 0
    fields = ("kind", "api", "tier", "count", "amount_krw", "unit_cost_krw", "total_krw")
    readonly_fields = fields


class PaymentInline(ReadOnlyMixin, admin.TabularInline):
    model = Payment
    extra = 0
    fields = ("paid_on", "amount_krw", "reference", "recorded_by", "created_at")
    readonly_fields = fields


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "institution",
        "month",
        "size_class",
        "total_krw",
        "paid_krw",
        "due_on",
        "paid_at",
    )
    list_filter = ("month", "size_class", ("paid_at", admin.EmptyFieldListFilter))
    search_fields = ("number", "institution__name", "institution__business_registration_number")
    list_select_related = ("institution",)
    inlines = [InvoiceLineInline, PaymentInline]
    readonly_fields = [f.name for f in Invoice._meta.fields]
    exclude = ("data",)
    change_list_template = "admin/operations/invoice/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="operations_dashboard",
            ),
            path(
                "<int:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="operations_invoice_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, object_id):
        invoice = get_object_or_404(Invoice, pk=object_id)
        if not self.has_view_permission(request, invoice):
            raise PermissionDenied
        if not invoice.is_ready:
            raise Http404
        return FileResponse(
            invoice.file.open("rb"), as_attachment=True, filename=f"{invoice.number}.pdf"
        )

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The policies the page reads (size classes; review and SLA targets; the escalations'
        # business calendar), in one query rather than one each.
        read_in_force(PolicyKind.SIZE_CLASS, PolicyKind.REVIEW_TARGETS, PolicyKind.CALENDAR)
        data = selectors.dashboard()
        steps = list(Step)
        escalations = None
        application_url = ("", "")
        if request.user.has_perm("casework.view_escalation"):
            from casework.dashboard import escalation_rows

            escalations = escalation_rows()
            # Each row links to its application: one reverse for the page, not one per row.
            url = reverse("admin:applications_application_change", args=[0])
            head, _zero, tail = url.partition("/0/")
            application_url = (f"{head}/", f"/{tail}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("운영 현황"),
            "d": data,
            "escalations": escalations,
            "application_url": application_url,
            "steps": steps,
            "rows": [
                {"row": row, "cells": [row.by_step[s.value] for s in steps]}
                for row in data.statistics
            ],
        }
        return TemplateResponse(request, "admin/operations/dashboard.html", context)


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ("invoice", "amount_krw", "paid_on", "reference")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    form = PaymentForm
    list_display = ("paid_on", "invoice", "amount_krw", "reference", "recorded_by")
    search_fields = ("invoice__number", "reference", "invoice__institution__name")
    list_select_related = ("invoice", "recorded_by")
    autocomplete_fields = ("invoice",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    change_list_template = "admin/operations/payment/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="operations_payment_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        def run(upload):
            rows, created = payments.import_payments_csv(content=upload.read(), by=request.user)
            message = _("%(rows)d행 중 %(new)d건을 새로 등록했습니다.") % {
                "rows": rows,
                "new": created,
            }
            return message, messages.SUCCESS

        return file_import_page(
            self,
            request,
            permission="operations.add_payment",
            title=_("납부 내역 파일 등록"),
            label=_("납부 내역 CSV 파일"),
            columns=payments.PAYMENT_COLUMNS,
            run=run,
        )

    def save_model(self, request, obj, form, change):
        payment, _created = payments.record_payment(
            invoice=form.cleaned_data["invoice"],
            amount_krw=form.cleaned_data["amount_krw"],
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
            by=request.user,
        )
        obj.pk = payment.pk


@admin.register(SubMerchant)
class SubMerchantAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "business_registration_number",
        "institution",
        "status",
        "flagged",
        "self_check_clear",
        "submitted_at",
    )
    list_filter = ("status", "flagged")
    search_fields = ("name", "business_registration_number", "institution__name")
    list_select_related = ("institution",)
    readonly_fields = [f.name for f in SubMerchant._meta.fields]
    actions = ["export_approved"]
    change_form_template = "admin/operations/change_form_decisions.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="operations_submerchant_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        buttons = []
        if obj is not None and obj.status == SubMerchant.Status.SUBMITTED:
            for decision, label in (("approve", _("승인")), ("reject", _("반려"))):
                url = reverse("admin:operations_submerchant_decide", args=[obj.pk, decision])
                buttons.append({"url": url, "label": label, "name": decision})
        extra_context = {**(extra_context or {}), "decisions": buttons}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_lazy("선택한 하위사업자 중 승인된 목록 내려받기 (CSV)"))
    def export_approved(self, request, queryset):
        response = HttpResponse(
            submerchants.approved_list_csv(queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="approved-sub-merchants.csv"'
        return response

    def decide_view(self, request, object_id, decision):
        sub = get_object_or_404(SubMerchant, pk=object_id)
        if decision not in ("approve", "reject"):
            raise Http404
        change_url = reverse("admin:operations_submerchant_change", args=[sub.pk])
        return decision_page(
            self,
            request,
            sub,
            title=_("하위사업자 승인") if decision == "approve" else _("하위사업자 반려"),
            run=lambda note: submerchants.decide(
                sub_merchant=sub, by=request.user, approve=decision == "approve", note=note
            ),
            change_url=change_url,
        )


class SanctionCaseForm(forms.ModelForm):
    class Meta:
        model = SanctionCase
        fields = ("application", "trigger", "action", "evidence", "evidence_file")


@admin.register(SanctionCase)
class SanctionCaseAdmin(DecisionButtonsMixin, admin.ModelAdmin):
    form = SanctionCaseForm
    list_display = (
        "application",
        "trigger",
        "action",
        "status",
        "proposed_by_system",
        "opened_at",
        "decided_at",
    )
    list_filter = ("status", "trigger", "proposed_by_system")
    search_fields = ("application__institution__name",)
    list_select_related = ("application__institution",)
    autocomplete_fields = ("application",)
    change_form_template = "admin/operations/change_form_decisions.html"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [f.name for f in SanctionCase._meta.fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(SanctionCaseForm.Meta.fields)
        return [f.name for f in SanctionCase._meta.fields if f.name != "id"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        case = sanctions.open_case(
            application=form.cleaned_data["application"],
            trigger=form.cleaned_data["trigger"],
            action=form.cleaned_data["action"],
            evidence=form.cleaned_data["evidence"],
            evidence_file=form.cleaned_data.get("evidence_file"),
            by=request.user,
        )
        obj.pk = case.pk

    decide_url_name = "operations_sanctioncase_decide"

    def decision_buttons_for(self, obj):
        return (
            _("확정: %s") % obj.get_action_display()
            if obj.status == SanctionCase.Status.PROPOSED
            else None
        )

    def decide_view(self, request, object_id, decision):
        case = get_object_or_404(
            SanctionCase.objects.select_related("application__institution"), pk=object_id
        )
        if decision not in ("confirm", "dismiss"):
            raise Http404
        change_url = reverse("admin:operations_sanctioncase_change", args=[case.pk])
        if decision == "confirm":
            title = _("확정: %s") % case.get_action_display()

            def run(reason):
                return sanctions.confirm_case(case=case, by=request.user, reason=reason)
        else:
            title = _("기각")

            def run(reason):
                return sanctions.dismiss_case(case=case, by=request.user, reason=reason)

        return decision_page(self, request, case, title=title, run=run, change_url=change_url)
