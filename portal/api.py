"""API of the portal app: the root and the shared jobs endpoint."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .audit import audit_record
from .jobs import JobError, job_cancel, job_retry
from .models import Job
from .selectors import jobs_visible_to


class JobSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "status",
            "progress",
            "message",
            "error",
            "log",
            "result",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "retry_of",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Background jobs visible to the caller (their own, or of a capability they hold)."""

    serializer_class = JobSerializer
    permission_classes = [IsAuthenticated]
    # Only a UUID reaches the database: anything else is a 404 from the router.
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    filterset_fields = ["status", "kind"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return jobs_visible_to(self.request.user).select_related("created_by")

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            job = job_cancel(job=job, by=request.user)
        except JobError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(JobSerializer(job).data)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            new_job = job_retry(job=job, by=request.user)
        except JobError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(JobSerializer(new_job).data, status=status.HTTP_201_CREATED)


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, format=None):
    return Response(
        {
            "jobs": reverse("api-jobs-list", request=request, format=format),
            "catalogue": request.build_absolute_uri("/api/catalogue/"),
            "omop": request.build_absolute_uri("/api/omop/"),
            "publications": request.build_absolute_uri("/api/publications/"),
            "dossiers": request.build_absolute_uri("/api/dossiers/"),
            "schema": reverse("api-schema", request=request, format=format),
            "docs": reverse("api-docs", request=request, format=format),
        }
    )


class _ObtainToken(ObtainAuthToken):
    """Exchange a username and password for an API token (``Authorization: Token …``)."""

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        with transaction.atomic():
            token, created = Token.objects.get_or_create(user=user)
            # Never the key itself: the audit log is read by people who must not reuse it.
            audit_record(
                actor=user, action="api.token_issue", target=user, changes={"created": created}
            )
        return Response({"token": token.key})


obtain_token = _ObtainToken.as_view()
