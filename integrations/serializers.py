from rest_framework import serializers

from applications.models import Application, AuditEntry, Institution
from applications.validators import normalize_brn, normalize_corporate_number

from .models import ApiToken


class MembershipSerializer(serializers.Serializer):
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()


class InstitutionSerializer(serializers.ModelSerializer):
    size_class = serializers.SerializerMethodField()
    memberships = MembershipSerializer(many=True, read_only=True)
    # Accept the usual hyphenated forms (123-45-67890, 110111-1234567); stored as digits.
    business_registration_number = serializers.CharField(max_length=12)
    corporate_registration_number = serializers.CharField(
        max_length=14, required=False, allow_blank=True
    )

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "institution_type",
            "business_registration_number",
            "corporate_registration_number",
            "representative",
            "address",
            "paid_in_capital",
            "contact_name",
            "contact_email",
            "contact_phone",
            "size_class",
            "memberships",
            "created_at",
        ]
        read_only_fields = ["id", "size_class", "memberships", "created_at"]

    def get_size_class(self, obj) -> str:
        return obj.size_class(self.context.get("threshold"))

    def validate_business_registration_number(self, value):
        from django.core.exceptions import ValidationError

        try:
            number = normalize_brn(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        if Institution.objects.filter(business_registration_number=number).exists():
            raise serializers.ValidationError("이미 등록된 사업자등록번호입니다.")
        return number

    def validate_corporate_registration_number(self, value):
        from django.core.exceptions import ValidationError

        try:
            return normalize_corporate_number(value) if value else ""
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = ["at", "action", "from_state", "to_state", "reason", "actor"]

    def get_actor(self, obj) -> str:
        return obj.actor_label


class ApplicationSerializer(serializers.ModelSerializer):
    step = serializers.CharField(read_only=True)
    reference = serializers.CharField(read_only=True)
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.none())

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "institution",
            "service_name",
            "service_description",
            "state",
            "step",
            "launch_date",
            "created_at",
            "updated_at",
            "submitted_at",
            "state_changed_at",
        ]
        validators = []  # the one-open-application rule lives in applications.filing
        read_only_fields = [
            "id",
            "reference",
            "state",
            "step",
            "launch_date",
            "created_at",
            "updated_at",
            "submitted_at",
            "state_changed_at",
        ]

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is not None:
            self.fields["institution"].queryset = institutions
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["institution"].read_only = True


class ApplicationDetailSerializer(ApplicationSerializer):
    timeline = TimelineEntrySerializer(source="audit_entries", many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "timeline"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "institution", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class NewApiTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    class Meta:
        from .models import WebhookEndpoint

        model = WebhookEndpoint
        fields = ["id", "url", "active", "created_at"]
        read_only_fields = ["id", "active", "created_at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        from .models import WebhookDelivery

        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "payload",
            "status",
            "attempts",
            "response_status",
            "last_error",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        from applications.models import Document

        model = Document
        fields = [
            "id",
            "doc_type",
            "version",
            "original_name",
            "size",
            "sha256",
            "detected_type",
            "uploaded_at",
        ]
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    doc_type = serializers.CharField()
    file = serializers.FileField()

    def validate_doc_type(self, value):
        from applications.catalogue import DocumentType

        if value not in DocumentType.values:
            raise serializers.ValidationError(f"알 수 없는 서류 종류입니다: {value}")
        return value
