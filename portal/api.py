"""API of the portal app: the root and the shared jobs endpoint."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from .jobs import job_cancel, job_retry
from .messages import log_text, message_text
from .models import ApiToken, Job
from .selectors import jobs_visible_to
from .serializers import ModelSerializer
from .tokens import api_token_issue, api_token_revoke, api_tokens_of
from .two_factor import otp_verify, second_factor_required


class JobText(serializers.CharField):
    """A job's message or error in the request's language (workers store codes, see
    :mod:`portal.messages`)."""

    def to_representation(self, value) -> str:
        return message_text(value)


class JobLog(serializers.CharField):
    """A job's log tail in the request's language (see :func:`portal.messages.log_text`)."""

    def to_representation(self, value) -> str:
        return log_text(value)


class JobSerializer(ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    title = JobText(read_only=True)
    message = JobText(read_only=True)
    error = JobText(read_only=True)
    log = JobLog(read_only=True)
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
        job = self.get_object()  # DRF's lookup: a malformed id is a 404, not a 500
        job = job_cancel(job=job, by=request.user)
        return Response(JobSerializer(job).data)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = self.get_object()
        new_job = job_retry(job=job, by=request.user)
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


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, default="API")
    otp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="Code of the authenticator app (or a recovery code): required for staff.",
    )


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(ModelSerializer):
    active = serializers.SerializerMethodField()
    # "" while the token is not revoked (DRF drops allow_blank from read-only model fields).
    revoked_because = serializers.ChoiceField(
        choices=ApiToken.RevokedBecause.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "key_prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_because",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        return obj.is_active()


@extend_schema(request=TokenRequestSerializer, responses={200: TokenIssuedSerializer})
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request):
    """Exchange a username and password for an API token (``Authorization: Token …``).

    The token expires (``expires_at``); staff tokens live a few hours only. Staff, and
    anyone who enrolled in two-factor authentication, also give ``otp_code``.
    """
    from django.contrib.auth import authenticate

    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    user = authenticate(
        request=request._request, username=data["username"], password=data["password"]
    )
    if user is None or not user.is_active:
        return Response({"detail": "invalid_credentials"}, status=status.HTTP_400_BAD_REQUEST)
    if second_factor_required(user):
        code = data.get("otp_code") or ""
        if not code or otp_verify(user=user, code=code) is None:
            return Response({"detail": "otp_required"}, status=status.HTTP_400_BAD_REQUEST)
    token, key = api_token_issue(user=user, name=data["name"], by=user)
    return Response({"token": key, "expires_at": token.expires_at})


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens; ``DELETE`` revokes one (it stays listed, revoked)."""

    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at", "expires_at"]

    def get_queryset(self):
        return api_tokens_of(self.request.user)

    def perform_destroy(self, instance):
        api_token_revoke(token=instance, by=self.request.user)
