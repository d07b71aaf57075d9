"""`/api/v1/notices/`: the caller's in-portal notices (for an API token, its acting member's), newest
first, and marking one read. The same service as the inbox page."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from . import services
from .models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "category", "subject", "body", "link", "url", "created_at", "read_at"]
        read_only_fields = fields

    def get_url(self, notice) -> str:
        return services.absolute(notice.link)


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    pagination_class = NewestFirst
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        notices = Notice.objects.inbox_of(self.request.user)
        if self.request.query_params.get("unread"):
            notices = notices.unread()
        return notices

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = self.get_object()
        services.open_notice(notice=notice)
        notice.refresh_from_db()
        return Response(NoticeSerializer(notice).data)
