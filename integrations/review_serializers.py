"""Steps 2–3 through the API (issue 7): the functional-test application and rounds, the security checks."""

from rest_framework import serializers

from reviews.api_catalogue import API_BY_CODE
from reviews.models import Agency, ChecklistItem, Finding, FunctionalTestRound, SecurityCheck
from reviews.models.security_check import CheckKind


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["api_code", "usage", "result", "note", "checked_at"]


class RoundSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = FunctionalTestRound
        fields = ["number", "outcome", "items"]


class FunctionalTestRequestSerializer(serializers.Serializer):
    test_build = serializers.CharField()
    functions = serializers.DictField(child=serializers.CharField(allow_blank=True))
    request_test = serializers.BooleanField(default=False)

    def validate_functions(self, value):
        unknown = sorted(code for code in value if code not in API_BY_CODE)
        if unknown:
            raise serializers.ValidationError(f"알 수 없는 API입니다: {', '.join(unknown)}")
        return value


class FindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Finding
        fields = ["title", "severity", "deficient", "resolved_at"]


class SecurityCheckSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name")
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = SecurityCheck
        fields = [
            "id",
            "kind",
            "status",
            "agency",
            "agreed_start",
            "agreed_end",
            "result_summary",
            "remediation_round",
            "accepted_at",
            "findings",
        ]


class SecurityCheckApplicationSerializer(serializers.Serializer):
    """보안점검 신청: the agency, the dates agreed with it, and the deliverables (multipart)."""

    kind = serializers.ChoiceField(choices=CheckKind.choices)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(is_active=True))
    agreed_start = serializers.DateField()
    agreed_end = serializers.DateField()
    deliverables = serializers.ListField(child=serializers.FileField(), allow_empty=False)
