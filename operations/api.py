"""REST API v1 (issue 6): usage (staff import, scoped read), invoices, sub-merchants."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.roles import staff_may
from applications.models import Institution
from integrations.scoping import institutions_for

from . import submerchants, usage
from .billing import parse_month
from .models import DailyUsage, Invoice, InvoiceLine, SubMerchant


class UsageRowSerializer(serializers.Serializer):
    business_registration_number = serializers.CharField()
    day = serializers.CharField()
    api = serializers.CharField()
    count = serializers.CharField()
    amount_krw = serializers.CharField(required=False, default="0")


class UsageImportSerializer(serializers.Serializer):
    rows = UsageRowSerializer(many=True, allow_empty=False)


class DailyUsageSerializer(serializers.ModelSerializer):
    institution = serializers.IntegerField(source="institution_id", read_only=True)

    class Meta:
        model = DailyUsage
        fields = ["institution", "day", "api", "count", "amount_krw"]


class UsageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DailyUsageSerializer

    def get_queryset(self):
        qs = DailyUsage.objects.filter(institution__in=institutions_for(self.request))
        month = self.request.query_params.get("month")
        if month:
            try:
                first = parse_month(month)
            except ValueError:
                first = None
            if first:
                qs = qs.filter(day__year=first.year, day__month=first.month)
        return qs.order_by("day", "institution_id", "api")

    @extend_schema(request=UsageImportSerializer, responses={201: None, 200: None})
    def create(self, request):
        if not staff_may(request.user, "operations.add_usageimport"):
            raise PermissionDenied(_("이용실적을 등록할 권한이 없습니다."))
        data = UsageImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record, written = usage.import_rows(rows=data.validated_data["rows"], by=request.user)
        except usage.UsageRejected as exc:
            return Response(
                {
                    "code": exc.code,
                    "message": str(exc.message),
                    "fields": {"rows": [f"{line}: {reason}" for line, reason in exc.errors]},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {"import": record.pk, "rows": record.rows, "written": written},
            status=status.HTTP_201_CREATED if written else status.HTTP_200_OK,
        )


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["kind", "api", "tier", "count", "amount_krw", "unit_cost_krw", "total_krw"]


class InvoiceSerializer(serializers.ModelSerializer):
    institution = serializers.IntegerField(source="institution_id", read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)
    month = serializers.DateField(format="%Y-%m")

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "institution",
            "month",
            "size_class",
            "issued_on",
            "due_on",
            "processing_total_krw",
            "main_bank_total_krw",
            "total_krw",
            "paid_krw",
            "paid_at",
            "sha256",
            "lines",
        ]


class InvoiceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InvoiceSerializer

    def get_queryset(self):
        return (
            Invoice.objects.filter(institution__in=institutions_for(self.request))
            .prefetch_related("lines")
            .order_by("-month", "institution_id")
        )


class SubMerchantSerializer(serializers.ModelSerializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.none())
    self_check = serializers.DictField(child=serializers.BooleanField(allow_null=True))

    class Meta:
        model = SubMerchant
        fields = [
            "id",
            "institution",
            "name",
            "business_registration_number",
            "business_description",
            "self_check",
            "status",
            "flagged",
            "submitted_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = ["status", "flagged", "submitted_at", "decided_at", "decision_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["institution"].queryset = institutions_for(request)


class SubMerchantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SubMerchantSerializer

    def get_queryset(self):
        qs = SubMerchant.objects.filter(institution__in=institutions_for(self.request))
        wanted = self.request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted)
        return qs.order_by("institution_id", "name")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = submerchants.submit_sub_merchant(
            institution=data["institution"],
            by=self.request.user,
            name=data["name"],
            business_registration_number=data["business_registration_number"],
            business_description=data["business_description"],
            self_check=data["self_check"],
        )
