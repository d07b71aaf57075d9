"""REST API v1 for applicants and integrators (issue 7): the same services the web pages call."""

from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.mfa import session_passed_mfa
from applications import filing, lifecycle
from applications.documents import upload_document
from applications.models import Application, AuditEntry, Membership
from openbanking_portal.errors import NotAllowed
from policies.services import large_capital_threshold

from . import tokens, webhooks
from .models import ApiToken, WebhookDelivery, WebhookEndpoint
from .review_serializers import (
    FunctionalTestRequestSerializer,
    RoundSerializer,
    SecurityCheckApplicationSerializer,
    SecurityCheckSerializer,
)
from .scoping import applications_for, institutions_for
from .serializers import (
    ApiTokenSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    InstitutionSerializer,
    NewApiTokenSerializer,
    ReasonSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
)


class InstitutionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = "[0-9]+"
    serializer_class = InstitutionSerializer

    def get_queryset(self):
        return (
            institutions_for(self.request)
            .prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("user"))
            )
            .order_by("pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "threshold": large_capital_threshold()}

    def perform_create(self, serializer):
        serializer.instance = filing.create_institution(
            by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=NewApiTokenSerializer, responses={201: ApiTokenSerializer})
    @action(detail=True, methods=["get", "post"], url_path="tokens")
    def tokens(self, request, pk=None):
        institution = self.get_object()
        if request.method == "GET":
            if not tokens.can_manage_tokens(institution=institution, user=request.user):
                return Response(ApiTokenSerializer([], many=True).data)
            return Response(ApiTokenSerializer(institution.api_tokens.all(), many=True).data)
        data = NewApiTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = tokens.issue_token(
            institution=institution, by=request.user, name=data.validated_data["name"]
        )
        return Response(
            {**ApiTokenSerializer(token).data, "key": key}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=WebhookEndpointSerializer, responses={201: WebhookEndpointSerializer})
    @action(detail=True, methods=["post"], url_path="webhooks")
    def register_webhook(self, request, pk=None):
        institution = self.get_object()
        data = WebhookEndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhooks.register_endpoint(
            institution=institution, by=request.user, url=data.validated_data["url"]
        )
        body = {**WebhookEndpointSerializer(endpoint).data, "secret": endpoint.secret}
        return Response(body, status=status.HTTP_201_CREATED)


class WebhookViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(
            institution__in=institutions_for(self.request)
        ).order_by("pk")

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        endpoint = self.get_object()
        return Response(WebhookDeliverySerializer(endpoint.deliveries.all()[:100], many=True).data)


class WebhookDeliveryViewSet(viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = WebhookDeliverySerializer

    def get_queryset(self):
        return WebhookDelivery.objects.filter(
            endpoint__institution__in=institutions_for(self.request)
        )

    @extend_schema(request=None, responses=WebhookDeliverySerializer)
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        delivery = webhooks.redeliver(delivery=self.get_object(), by=request.user)
        return Response(WebhookDeliverySerializer(delivery).data)


class ApiTokenViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        from .models import ApiToken

        return ApiToken.objects.filter(institution__in=institutions_for(self.request))

    @extend_schema(request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = tokens.revoke_token(token=self.get_object(), by=request.user)
        return Response(ApiTokenSerializer(token).data)


class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        qs = applications_for(self.request).select_related("institution").order_by("-created_at")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "audit_entries",
                    queryset=AuditEntry.objects.select_related("actor").order_by("at", "id"),
                )
            )
        return qs

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("institutions", institutions_for(self.request))
        kwargs["context"] = self.get_serializer_context()
        return self.get_serializer_class()(*args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = filing.create_application(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = filing.update_application(
            application=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def _transition(self, request, pk, name):
        application = self.get_object()
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        updated = lifecycle.apply_transition(
            application=application,
            name=name,
            by=request.user,
            reason=reason.validated_data["reason"],
        )
        return Response(ApplicationSerializer(Application.objects.get(pk=updated.pk)).data)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses=DocumentSerializer(many=True),
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request, pk=None):
        """Typed documents: every version listed; uploads checked by content exactly as on the web."""
        application = self.get_object()
        if request.method == "POST":
            data = DocumentUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            document = upload_document(
                application=application,
                by=request.user,
                doc_type=data.validated_data["doc_type"],
                upload=data.validated_data["file"],
            )
            return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        documents = application.documents.order_by("doc_type", "version")
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_pk>[0-9]+)/download")
    def download_document(self, request, pk=None, document_pk=None):
        application = self.get_object()
        if (
            request.user.is_staff
            and not isinstance(request.auth, ApiToken)
            and not session_passed_mfa(request)
        ):
            raise NotAllowed(_("센터 담당자는 2단계 인증을 거친 세션에서만 서류를 볼 수 있습니다."))
        document = get_object_or_404(application.documents, pk=document_pk)
        response = FileResponse(
            document.file.open("rb"),
            content_type=document.mime_type,
            as_attachment=True,
            filename=document.original_name or f"document-{document.pk}",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(request=FunctionalTestRequestSerializer, responses=RoundSerializer(many=True))
    @action(detail=True, methods=["get", "put"], url_path="functional-test")
    def functional_test(self, request, pk=None):
        """기능테스트 신청서 (PUT; `request_test` also asks for the check) and the checklist rounds."""
        from reviews import functional_test

        application = self.get_object()
        if request.method == "PUT":
            data = FunctionalTestRequestSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            functional_test.save_request(
                application=application,
                by=request.user,
                test_build=data.validated_data["test_build"],
                functions=data.validated_data["functions"],
            )
            if data.validated_data["request_test"]:
                functional_test.request_test(application=application, by=request.user)
        rounds = application.functional_test_rounds.prefetch_related("items").order_by("number")
        return Response(RoundSerializer(rounds, many=True).data)

    @extend_schema(
        request={"multipart/form-data": SecurityCheckApplicationSerializer},
        responses=SecurityCheckSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="security-checks",
        parser_classes=[MultiPartParser, FormParser],
    )
    def security_checks(self, request, pk=None):
        """The two security checks (DOMAIN §7); POST applies for one with its deliverables."""
        application = self.get_object()
        if request.method == "POST":
            from reviews import security_check

            data = SecurityCheckApplicationSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            security_check.apply_for_check(
                application=application, by=request.user, **data.validated_data
            )
        checks = (
            application.security_checks.select_related("agency")
            .prefetch_related("findings")
            .order_by("kind")
        )
        return Response(SecurityCheckSerializer(checks, many=True).data)

    transition_schema = extend_schema(request=ReasonSerializer, responses=ApplicationSerializer)

    @transition_schema
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, pk, "submit")

    @transition_schema
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        return self._transition(request, pk, "resubmit")

    @transition_schema
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition(request, pk, "withdraw")

    @transition_schema
    @action(detail=True, methods=["post"], url_path="request-functional-test")
    def request_functional_test(self, request, pk=None):
        return self._transition(request, pk, "request_functional_test")
