"""The institution's contract page (/contracting/): main bank, fee, contract accounts, limits,
guarantee, contract documents and contract changes. Views only collect input and call services."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applications.models import Application
from openbanking_portal.errors import PortalError

from . import accounts, changes, guarantee
from .changes import TOUCHES_SERVICES_HELP
from .models import AccountPurpose, Bank, Contract, ContractDocument


class MainBankForm(forms.Form):
    main_bank = forms.ModelChoiceField(
        label=_("주거래은행"), queryset=Bank.objects.filter(active=True), to_field_name="code"
    )


class FeeForm(forms.Form):
    withdrawal_fee_krw = forms.IntegerField(label=_("출금이체 건당 수수료(원)"), min_value=0)
    deposit_fee_krw = forms.IntegerField(label=_("입금이체 건당 수수료(원)"), min_value=0)
    note = forms.CharField(label=_("비고"), required=False, max_length=300)


class AccountForm(forms.Form):
    account_number = forms.CharField(
        label=_("계좌번호"), max_length=30, help_text=_("숫자와 하이픈(-), 10~16자리")
    )
    purpose = forms.ChoiceField(label=_("용도"), choices=AccountPurpose.choices)
    holder_name = forms.CharField(label=_("예금주"), max_length=100, required=False)


class AccountChoices(forms.MultipleChoiceField):
    """Which account ids are valid is the service's rule (an active account of this contract)."""

    def valid_value(self, value):
        return str(value).isdigit()


class ChangeForm(AccountForm):
    account_number = forms.CharField(label=_("추가할 계좌번호"), max_length=30, required=False)
    purpose = forms.ChoiceField(label=_("용도"), choices=AccountPurpose.choices, required=False)
    close = AccountChoices(
        label=_("해지할 계좌"), required=False, widget=forms.CheckboxSelectMultiple
    )
    touches_services = forms.BooleanField(
        label=_("서비스 또는 앱을 바꾸는 변경입니다"),
        required=False,
        help_text=TOUCHES_SERVICES_HELP,
    )
    reason = forms.CharField(label=_("변경 사유"), widget=forms.Textarea(attrs={"rows": 2}))


def visible_applications(user):
    """Members see their institutions' applications; staff need the contract view permission."""
    qs = Application.objects.visible_to(user)
    if user.is_staff and not user.has_perm("contracts.view_contract"):
        return qs.none()
    return qs


def _application(request, pk) -> Application:
    return get_object_or_404(
        visible_applications(request.user).select_related("institution"), pk=pk
    )


def _contract(application: Application) -> Contract | None:
    return (
        Contract.objects.filter(application=application)
        .select_related("main_bank", "guarantee")
        .prefetch_related(
            Prefetch(
                "accounts",
                queryset=accounts.ContractAccount.objects.active().select_related("bank"),
                to_attr="active_accounts",
            ),
            Prefetch("documents", queryset=ContractDocument.objects.order_by("-version")),
            "change_requests",
            "guarantee__negotiations__bank",
        )
        .first()
    )


@login_required
def contract_page(request, pk, forms_with_errors=None):
    application = _application(request, pk)
    contract = _contract(application)
    rows = []
    if contract is not None:
        rows = [
            {"account": a, "number": accounts.account_number_for(request.user, a.account_number)}
            for a in contract.active_accounts
        ]
    change_form = ChangeForm()
    change_form.fields["close"].choices = [(str(r["account"].pk), r["number"]) for r in rows]
    context = {
        "application": application,
        "contract": contract,
        "accounts": rows,
        "arrangement": guarantee.arrangement_of(contract) if contract else None,
        "bank_form": MainBankForm(
            initial={"main_bank": contract.main_bank.code}
            if contract and contract.main_bank
            else None
        ),
        "fee_form": FeeForm(),
        "account_form": AccountForm(),
        "change_form": change_form,
        "max_accounts": accounts.MAX_CONTRACT_ACCOUNTS,
    }
    context.update(forms_with_errors or {})
    return render(request, "contracts/contract_page.html", context)


def _handle(request, pk, form_class, key, action):
    application = _application(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(application, form.cleaned_data)
        except PortalError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("저장되었습니다."))
            return redirect("contract_page", pk=application.pk)
    response = contract_page(request, pk, {key: form})
    response.status_code = 400
    return response


@login_required
@require_POST
def choose_main_bank(request, pk):
    return _handle(
        request,
        pk,
        MainBankForm,
        "bank_form",
        lambda app, d: accounts.choose_main_bank(
            application=app, by=request.user, bank=d["main_bank"]
        ),
    )


@login_required
@require_POST
def record_fee(request, pk):
    return _handle(
        request,
        pk,
        FeeForm,
        "fee_form",
        lambda app, d: accounts.record_main_bank_fee(
            application=app,
            by=request.user,
            withdrawal_fee_krw=d["withdrawal_fee_krw"],
            deposit_fee_krw=d["deposit_fee_krw"],
            note=d["note"],
        ),
    )


@login_required
@require_POST
def add_account(request, pk):
    return _handle(
        request,
        pk,
        AccountForm,
        "account_form",
        lambda app, d: accounts.add_account(application=app, by=request.user, **d),
    )


@login_required
@require_POST
def close_account(request, pk, account_id):
    application = _application(request, pk)
    try:
        accounts.close_account(application=application, by=request.user, account_id=account_id)
    except PortalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("약정계좌를 삭제했습니다."))
    return redirect("contract_page", pk=application.pk)


def _request_change(request, application, d):
    add = []
    if d.get("account_number"):
        add.append(
            {
                "account_number": d["account_number"],
                "purpose": d.get("purpose") or "",
                "holder_name": d.get("holder_name", ""),
            }
        )
    changes.request_account_change(
        application=application,
        by=request.user,
        add=add,
        close=d["close"],
        reason=d["reason"],
        touches_services=d["touches_services"],
    )


@login_required
@require_POST
def request_change(request, pk):
    return _handle(
        request,
        pk,
        ChangeForm,
        "change_form",
        lambda app, d: _request_change(request, app, d),
    )


@login_required
def download_document(request, document_id):
    document = get_object_or_404(
        ContractDocument.objects.filter(
            contract__application__in=visible_applications(request.user)
        ),
        pk=document_id,
    )
    if not document.is_ready:
        raise Http404
    name = f"contract-{document.contract.application_id}-v{document.version}.pdf"
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-SHA256"] = document.sha256
    response["Cache-Control"] = "private, no-store"
    return response
