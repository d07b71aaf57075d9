"""/api/v1/contracts/<application id>/…: the contract step over the API — the same services the
contract page calls. Scoping: a token sees its own institution, a session what the pages show."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from applications.models import Application
from integrations.scoping import applications_for

from . import accounts, changes, guarantee
from .models import (
    AccountPurpose,
    Bank,
    BankNegotiation,
    Contract,
    ContractChangeRequest,
    ContractDocument,
)


class MainBankInput(serializers.Serializer):
    bank_code = serializers.SlugRelatedField(
        slug_field="code", queryset=Bank.objects.filter(active=True)
    )


class FeeInput(serializers.Serializer):
    withdrawal_fee_krw = serializers.IntegerField(min_value=0)
    deposit_fee_krw = serializers.IntegerField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class AccountInput(serializers.Serializer):
    account_number = serializers.CharField(max_length=30)
    purpose = serializers.ChoiceField(choices=AccountPurpose.choices)
    holder_name = serializers.CharField(required=False, allow_blank=True, default="")


class LimitsInput(serializers.Serializer):
    usage_limit_krw = serializers.IntegerField()
    daily_withdrawal_limit_krw = serializers.IntegerField()


class ChangeInput(serializers.Serializer):
    add = AccountInput(many=True, required=False, default=list)
    close = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    touches_services = serializers.BooleanField(
        required=False, default=False, help_text=changes.TOUCHES_SERVICES_HELP
    )
    reason = serializers.CharField()


class AccountOut(serializers.Serializer):
    id = serializers.IntegerField()
    bank_code = serializers.CharField(source="bank.code")
    account_number = serializers.SerializerMethodField()
    purpose = serializers.CharField()
    holder_name = serializers.CharField()

    def get_account_number(self, obj) -> str:
        return accounts.account_number_for(self.context["request"].user, obj.account_number)


class NegotiationOut(serializers.ModelSerializer):
    bank_code = serializers.CharField(source="bank.code")
    withdrawal_enabled = serializers.BooleanField()

    class Meta:
        model = BankNegotiation
        fields = ["bank_code", "status", "agreed_limit_krw", "agreed_at", "withdrawal_enabled"]


class DocumentOut(serializers.ModelSerializer):
    ready = serializers.BooleanField(source="is_ready")

    class Meta:
        model = ContractDocument
        fields = ["id", "version", "reason", "sha256", "size_bytes", "rendered_at", "ready"]


class ChangeOut(serializers.ModelSerializer):
    touches_services = serializers.SerializerMethodField(help_text=changes.TOUCHES_SERVICES_HELP)

    class Meta:
        model = ContractChangeRequest
        fields = [
            "id",
            "status",
            "reason",
            "touches_services",
            "requested_at",
            "decided_at",
            "effective_on",
        ]

    def get_touches_services(self, obj) -> bool:
        return bool(obj.changes.get("touches_services"))


class ContractOut(serializers.Serializer):
    application = serializers.IntegerField(source="application_id")
    main_bank_code = serializers.CharField(source="main_bank.code", default=None)
    main_bank_withdrawal_fee_krw = serializers.IntegerField(allow_null=True)
    main_bank_deposit_fee_krw = serializers.IntegerField(allow_null=True)
    main_bank_fee_note = serializers.CharField()
    usage_limit_krw = serializers.IntegerField(allow_null=True)
    daily_withdrawal_limit_krw = serializers.IntegerField(allow_null=True)
    guarantee_type = serializers.CharField()
    guarantee = serializers.SerializerMethodField()
    signed_at = serializers.DateTimeField(allow_null=True)
    accounts = serializers.SerializerMethodField()
    documents = DocumentOut(many=True)
    change_requests = ChangeOut(many=True)

    def get_accounts(self, obj) -> list[dict]:
        active = [a for a in obj.accounts.all() if a.closed_at is None]
        return AccountOut(active, many=True, context=self.context).data

    def get_guarantee(self, obj) -> dict | None:
        arrangement = guarantee.arrangement_of(obj)
        if arrangement is None:
            return None
        return {
            "kind": arrangement.kind,
            "composite_score": arrangement.composite_score,
            "rate_percent": arrangement.rate_percent,
            "required_amount_krw": arrangement.required_amount_krw,
            "secured": arrangement.secured_at is not None,
            "notice_on": arrangement.notice_on,
            "window_closes_on": arrangement.window_closes_on,
            "fell_back_to_centre": arrangement.fell_back_to_centre,
            "in_place": guarantee.guarantee_in_place(obj),
            "negotiations": NegotiationOut(arrangement.negotiations.all(), many=True).data,
        }


class ContractViewSet(viewsets.GenericViewSet):
    """The contract of an application, addressed by the application's id."""

    serializer_class = ContractOut
    # For the schema only (the id is the application's); requests are scoped in `_application`.
    queryset = Application.objects.none()
    lookup_value_regex = r"\d+"

    def _application(self) -> Application:
        qs = applications_for(self.request)
        if self.request.user.is_staff and not self.request.user.has_perm("contracts.view_contract"):
            qs = qs.none()
        return get_object_or_404(qs.select_related("institution"), pk=self.kwargs["pk"])

    def _contract_response(self, application: Application, code=status.HTTP_200_OK):
        contract = get_object_or_404(
            Contract.objects.select_related("main_bank", "guarantee").prefetch_related(
                "accounts__bank",
                "documents",
                "change_requests",
                "guarantee__negotiations__bank",
            ),
            application=application,
        )
        return Response(ContractOut(contract, context={"request": self.request}).data, status=code)

    def _input(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    def retrieve(self, request, pk=None):
        return self._contract_response(self._application())

    @extend_schema(request=MainBankInput, responses=ContractOut)
    @action(detail=True, methods=["post"], url_path="main-bank")
    def main_bank(self, request, pk=None):
        application = self._application()
        data = self._input(MainBankInput)
        accounts.choose_main_bank(application=application, by=request.user, bank=data["bank_code"])
        return self._contract_response(application)

    @extend_schema(request=FeeInput, responses=ContractOut)
    @action(detail=True, methods=["post"])
    def fee(self, request, pk=None):
        application = self._application()
        data = self._input(FeeInput)
        accounts.record_main_bank_fee(application=application, by=request.user, **data)
        return self._contract_response(application)

    @extend_schema(request=AccountInput, responses=ContractOut)
    @action(detail=True, methods=["post"])
    def accounts(self, request, pk=None):
        application = self._application()
        data = self._input(AccountInput)
        accounts.add_account(application=application, by=request.user, **data)
        return self._contract_response(application, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ContractOut)
    @action(detail=True, methods=["post"], url_path=r"accounts/(?P<account_id>\d+)/close")
    def close_account(self, request, pk=None, account_id=None):
        application = self._application()
        accounts.close_account(application=application, by=request.user, account_id=account_id)
        return self._contract_response(application)

    @extend_schema(request=LimitsInput, responses=ContractOut)
    @action(detail=True, methods=["post"])
    def limits(self, request, pk=None):
        application = self._application()
        data = self._input(LimitsInput)
        accounts.set_limits(application=application, by=request.user, **data)
        return self._contract_response(application)

    @extend_schema(request=ChangeInput, responses=ContractOut)
    @action(detail=True, methods=["post"], url_path="change-requests")
    def change_requests(self, request, pk=None):
        application = self._application()
        data = self._input(ChangeInput)
        changes.request_account_change(
            application=application,
            by=request.user,
            add=[dict(item) for item in data["add"]],
            close=data["close"],
            reason=data["reason"],
            touches_services=data["touches_services"],
        )
        return self._contract_response(application, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)/pdf")
    def document_pdf(self, request, pk=None, document_id=None):
        application = self._application()
        document = get_object_or_404(
            ContractDocument, pk=document_id, contract__application=application
        )
        if not document.is_ready:
            raise Http404
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"contract-{application.pk}-v{document.version}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-SHA256"] = document.sha256
        return response
