"""Staff screens of the contract step. Every write goes through a service; the admin only collects
input and shows PortalError messages (STYLE §4)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat, Greatest, Length, Repeat, Right
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from openbanking_portal.errors import PortalError

from . import accounts, changes, documents, guarantee, launch
from .accounts import can_view_full_account_number
from .models import (
    Bank,
    BankNegotiation,
    Contract,
    ContractAccount,
    ContractChangeRequest,
    ContractDocument,
    GuaranteeArrangement,
)
from .signing import record_signature


def shown_account_number(request):
    """The account number as this staff member may see it, computed in SQL (thread-safe)."""
    if can_view_full_account_number(request.user):
        return F("account_number")
    return Concat(
        Repeat(Value("*"), Greatest(Length("account_number") - 4, 0)),
        Right("account_number", 4),
        output_field=CharField(),
    )


def _run(modeladmin, request, label, func) -> bool:
    try:
        func()
    except PortalError as exc:
        modeladmin.message_user(request, f"{label}: {exc.message}", messages.ERROR)
        return False
    modeladmin.message_user(request, f"{label}: {_('처리했습니다.')}", messages.SUCCESS)
    return True


def _sign_through_chain(contract, request) -> None:
    """Issue 10: the signature is a decision of the approval chain (default one level)."""
    from approvals.chains import decide

    outcome = decide(
        application=contract.application,
        decision="sign",
        by=request.user,
        apply=lambda by: record_signature(application=contract.application, by=by),
    )
    if not outcome.completed:
        messages.info(
            request,
            _("%(level)d/%(of)d 단계 승인 기록됨")
            % {"level": outcome.level, "of": outcome.of_levels},
        )


@admin.register(Bank)
class BankAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "active", "joined_on")
    list_filter = ("active",)
    search_fields = ("code", "name", "name_en")


class ContractAccountInline(admin.TabularInline):
    model = ContractAccount
    fields = ("bank", "number", "purpose", "holder_name", "created_at", "closed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("bank")
            .annotate(shown_number=shown_account_number(request))
        )

    @admin.display(description=_("계좌번호"))
    def number(self, obj):
        return obj.shown_number

    def has_add_permission(self, request, obj=None):
        return False


class ContractDocumentInline(admin.TabularInline):
    model = ContractDocument
    fields = ("version", "reason", "sha256", "size_bytes", "rendered_at", "download")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("내려받기"))
    def download(self, obj):
        if not obj.is_ready:
            return _("생성 중")
        return format_html(
            '<a href="{}">PDF</a>', reverse("contract_document_download", args=[obj.pk])
        )

    def has_add_permission(self, request, obj=None):
        return False


class ContractAdminForm(forms.ModelForm):
    launch_date = forms.DateField(label=_("서비스 실시일 (합의)"), required=False)
    composite_score = forms.IntegerField(
        label=_("센터 보증 종합점수"),
        required=False,
        help_text=_("입력하면 센터 보증의 보증 기준과 필요 보증금액을 계산합니다."),
    )

    class Meta:
        model = Contract
        fields = ("usage_limit_krw", "daily_withdrawal_limit_krw")

    def clean(self):
        data = super().clean()
        usage, daily = data.get("usage_limit_krw"), data.get("daily_withdrawal_limit_krw")
        if usage is not None or daily is not None:
            try:
                accounts.check_limits(usage_limit_krw=usage, daily_withdrawal_limit_krw=daily)
            except PortalError as exc:
                self.add_error(exc.field, exc.message)
        return data


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    form = ContractAdminForm
    list_display = ("application", "main_bank", "guarantee_type", "signed_at")
    list_filter = ("guarantee_type", "main_bank")
    list_select_related = ("application__institution", "main_bank")
    search_fields = ("application__institution__name", "application__service_name")
    readonly_fields = (
        "application",
        "main_bank",
        "main_bank_withdrawal_fee_krw",
        "main_bank_deposit_fee_krw",
        "main_bank_fee_note",
        "main_bank_fee_agreed_at",
        "limits_set_at",
        "guarantee_type",
        "guarantee_summary",
        "signed_at",
        "signed_by",
    )
    inlines = [ContractAccountInline, ContractDocumentInline]
    actions = [
        "sign",
        "issue_document",
        "score_centre_guarantee",
        "confirm_guarantee",
        "notify_banks",
    ]

    def has_add_permission(self, request):
        # A contract begins when the institution (or staff, on its page) starts the contract step.
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.signed_at:
            return (*self.readonly_fields, "usage_limit_krw", "daily_withdrawal_limit_krw")
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.base_fields["launch_date"].initial = obj.application.launch_date
        return form

    @admin.display(description=_("보증"))
    def guarantee_summary(self, obj):
        arrangement = guarantee.arrangement_of(obj)
        if arrangement is None:
            return "—"
        if arrangement.kind == "centre":
            return format_html(
                "{} · {}점 · {}% · {}원 · {}",
                arrangement.get_kind_display(),
                arrangement.composite_score,
                arrangement.rate_percent,
                f"{arrangement.required_amount_krw or 0:,}",
                _("보증서 확인됨") if arrangement.secured_at else _("보증서 미확인"),
            )
        url = reverse("admin:contracts_guaranteearrangement_change", args=[arrangement.pk])
        return format_html(
            '<a href="{}">{} ({} ~ {})</a>',
            url,
            arrangement.get_kind_display(),
            arrangement.notice_on,
            arrangement.window_closes_on,
        )

    def save_model(self, request, obj, form, change):
        """Not `obj.save()`: each changed value goes through its service."""
        application = obj.application
        data = form.cleaned_data
        if {"usage_limit_krw", "daily_withdrawal_limit_krw"} & set(form.changed_data):
            _run(
                self,
                request,
                _("한도 설정"),
                lambda: accounts.set_limits(
                    application=application,
                    by=request.user,
                    usage_limit_krw=data["usage_limit_krw"],
                    daily_withdrawal_limit_krw=data["daily_withdrawal_limit_krw"],
                ),
            )
        if data.get("composite_score") is not None:
            _run(
                self,
                request,
                _("센터 보증"),
                lambda: guarantee.arrange_centre_guarantee(
                    application=application,
                    by=request.user,
                    composite_score=data["composite_score"],
                ),
            )
        if data.get("launch_date") and data["launch_date"] != application.launch_date:
            _run(
                self,
                request,
                _("서비스 실시일"),
                lambda: launch.set_launch_date(
                    application=application, by=request.user, launch_date=data["launch_date"]
                ),
            )

    def save_related(self, request, form, formsets, change):
        pass  # the inlines are read-only

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"changed": {"fields": form.changed_data}}] if form.changed_data else []

    @admin.action(description=_("계약 체결 기록"))
    def sign(self, request, queryset):
        for contract in queryset.select_related("application"):
            _run(
                self,
                request,
                str(contract.application),
                lambda c=contract: _sign_through_chain(c, request),
            )

    @admin.action(description=_("계약서 새 판 발행"))
    def issue_document(self, request, queryset):
        for contract in queryset.select_related("application"):
            _run(
                self,
                request,
                str(contract.application),
                lambda c=contract: documents.issue_document(
                    contract=c, by=request.user, reason="센터 발행"
                ),
            )

    @admin.action(description=_("센터 보증: 신청서 평가 정보로 종합점수·보증금액 산정"))
    def score_centre_guarantee(self, request, queryset):
        for contract in queryset.select_related("application"):
            _run(
                self,
                request,
                str(contract.application),
                lambda c=contract: guarantee.arrange_centre_guarantee(
                    application=c.application, by=request.user
                ),
            )

    @admin.action(description=_("센터 보증: 보증보험증권 확인"))
    def confirm_guarantee(self, request, queryset):
        for contract in queryset.select_related("application"):
            _run(
                self,
                request,
                str(contract.application),
                lambda c=contract: guarantee.confirm_centre_guarantee(
                    application=c.application, by=request.user
                ),
            )

    @admin.action(description=_("개별은행 보증: 참가은행에 통보 (30일 협의 시작)"))
    def notify_banks(self, request, queryset):
        for contract in queryset.select_related("application"):
            _run(
                self,
                request,
                str(contract.application),
                lambda c=contract: guarantee.start_individual_guarantee(
                    application=c.application, by=request.user
                ),
            )


class BankNegotiationInline(admin.TabularInline):
    model = BankNegotiation
    fields = ("bank", "status", "agreed_limit_krw", "agreed_at", "withdrawal")
    readonly_fields = ("bank", "agreed_at", "withdrawal")
    extra = 0
    can_delete = False

    @admin.display(description=_("출금이체 가능"), boolean=True)
    def withdrawal(self, obj):
        return obj.withdrawal_enabled

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GuaranteeArrangement)
class GuaranteeArrangementAdmin(admin.ModelAdmin):
    list_display = (
        "contract",
        "kind",
        "window_closes_on",
        "window_closed_at",
        "fell_back_to_centre",
    )
    list_filter = ("kind", "fell_back_to_centre")
    list_select_related = ("contract__application__institution", "contract__main_bank")
    readonly_fields = (
        "contract",
        "kind",
        "composite_score",
        "rate_percent",
        "required_amount_krw",
        "policy_version",
        "secured_at",
        "notice_on",
        "window_closes_on",
        "window_closed_at",
        "fell_back_to_centre",
    )
    fields = readonly_fields
    inlines = [BankNegotiationInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # nothing on the arrangement itself is edited here

    def construct_change_message(self, request, form, formsets, add=False):
        # The services write the audit log; the admin history only notes which banks changed.
        banks = [f.instance.bank.code for fs in formsets for f in fs.forms if f.has_changed()]
        return [{"changed": {"fields": banks}}] if banks else []

    def save_formset(self, request, form, formset, change):
        """Each changed bank row is recorded through the guarantee service."""
        for bank_form in formset.forms:
            if not bank_form.has_changed() or not bank_form.instance.pk:
                continue
            negotiation = BankNegotiation.objects.select_related("bank").get(
                pk=bank_form.instance.pk
            )
            _run(
                self,
                request,
                negotiation.bank.name,
                lambda n=negotiation, d=bank_form.cleaned_data: guarantee.record_negotiation(
                    negotiation=n,
                    by=request.user,
                    status=d["status"],
                    agreed_limit_krw=d.get("agreed_limit_krw"),
                ),
            )


@admin.register(ContractChangeRequest)
class ContractChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("contract", "status", "requested_at", "effective_on", "applied_at")
    list_filter = ("status",)
    list_select_related = ("contract__application__institution",)
    fields = (
        "contract",
        "status",
        "summary",
        "reason",
        "requested_by",
        "requested_at",
        "decision_note",
        "decided_by",
        "decided_at",
        "effective_on",
        "applied_at",
    )
    readonly_fields = tuple(f for f in fields if f != "decision_note")
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ContractChangeRequest.Status.REQUESTED:
            return self.fields
        return self.readonly_fields

    @admin.display(description=_("변경 내용"))
    def summary(self, obj):
        added = [
            f"+ {accounts.mask_account_number(a['account_number'])} ({a['purpose']})"
            for a in obj.changes.get("add", [])
        ]
        closed = [f"- #{pk}" for pk in obj.changes.get("close", [])]
        services = (
            [str(_("서비스·앱 변경 (승인 시 취약점 재점검)"))]
            if obj.changes.get("touches_services")
            else []
        )
        return ", ".join(added + closed + services)

    def save_model(self, request, obj, form, change):
        # Only the decision note is edited here, and only while the request awaits a decision.
        ContractChangeRequest.objects.filter(
            pk=obj.pk, status=ContractChangeRequest.Status.REQUESTED
        ).update(decision_note=obj.decision_note)

    @admin.action(description=_("계약변경 승인 (2영업일 후 효력)"))
    def approve(self, request, queryset):
        for change in queryset:
            _run(
                self,
                request,
                str(change),
                lambda c=change: changes.approve_change(
                    change=c, by=request.user, note=c.decision_note
                ),
            )

    @admin.action(description=_("계약변경 반려 (처리 의견 필요)"))
    def reject(self, request, queryset):
        for change in queryset:
            _run(
                self,
                request,
                str(change),
                lambda c=change: changes.reject_change(
                    change=c, by=request.user, note=c.decision_note
                ),
            )
