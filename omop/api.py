"""REST API of the OMOP conversions: create, list, get, cancel, retry, download, results."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.api import JobText
from portal.models import Job
from portal.parsers import StrictJSONParser
from portal.permissions import HasCapability
from portal.roles import Capability
from portal.serializers import ModelSerializer

from . import services
from .models import SEED_MAX, EtlJob
from .selectors import etl_job_search, etl_jobs_visible_to


class EtlJobSerializer(ModelSerializer):
    status = serializers.CharField(source="job.status", read_only=True)
    progress = serializers.IntegerField(source="job.progress", read_only=True)
    message = JobText(source="job.message", read_only=True)
    error = JobText(source="job.error", read_only=True)
    log = serializers.CharField(source="job.log", read_only=True)
    created_by = serializers.CharField(
        source="job.created_by.username", default=None, read_only=True
    )
    started_at = serializers.DateTimeField(source="job.started_at", read_only=True)
    finished_at = serializers.DateTimeField(source="job.finished_at", read_only=True)
    job = serializers.UUIDField(source="job.pk", read_only=True)
    retry_of = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    results_url = serializers.SerializerMethodField()

    class Meta:
        model = EtlJob
        fields = [
            "id", "job", "status", "progress", "message", "error", "log", "source",
            "source_path", "upload_name", "persons", "seed", "extract_label", "engine",
            "output_format", "target", "window_start", "window_end", "steps", "report",
            "output_bytes", "catalogue_acronym", "created_by", "created_at", "started_at",
            "finished_at", "retry_of", "download_url", "results_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_retry_of(self, obj) -> str | None:
        original = getattr(obj.job.retry_of, "etl_job", None) if obj.job.retry_of_id else None
        return str(original.pk) if original else None

    def _url(self, obj, name: str) -> str | None:
        if obj.job.status != Job.Status.SUCCEEDED:
            return None
        request = self.context.get("request")
        path = f"/api/omop/jobs/{obj.pk}/{name}/"
        return request.build_absolute_uri(path) if request else path

    def get_download_url(self, obj) -> str | None:
        return self._url(obj, "download")

    def get_results_url(self, obj) -> str | None:
        return self._url(obj, "results")


class EtlJobCreateSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=EtlJob.Source.choices)
    source_path = serializers.CharField(required=False, allow_blank=True, default="")
    upload = serializers.FileField(required=False, allow_null=True, default=None)
    persons = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)
    seed = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=SEED_MAX
    )
    engine = serializers.ChoiceField(
        choices=EtlJob.Engine.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="empty: DuckDB, or Spark for a large extract when a cluster is configured",
    )
    output_format = serializers.ChoiceField(
        choices=EtlJob.Format.choices, default=EtlJob.Format.CSV
    )
    target = serializers.SlugField(required=False, allow_blank=True, default="", max_length=64)
    window_start = serializers.DateField(required=False, allow_null=True, default=None)
    window_end = serializers.DateField(required=False, allow_null=True, default=None)


class EtlJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """OMOP conversions (``data`` role and admins). Creating one dispatches it to a worker."""

    serializer_class = EtlJobSerializer
    permission_classes = [HasCapability(Capability.OMOP_RUN)]
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    filter_backends: list = []

    def get_queryset(self):
        qs = etl_jobs_visible_to(self.request.user)
        if self.action == "list":
            params = self.request.query_params
            qs = etl_job_search(
                qs,
                status=params.get("status", ""),
                engine=params.get("engine", ""),
                source=params.get("source", ""),
                q=params.get("q", ""),
            )
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Job.Status.values),
            OpenApiParameter("engine", str, enum=EtlJob.Engine.values),
            OpenApiParameter("source", str, enum=EtlJob.Source.values),
            OpenApiParameter("q", str, description="extract or output name contains"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={
            "application/json": EtlJobCreateSerializer,
            "multipart/form-data": EtlJobCreateSerializer,
        },
        responses={201: EtlJobSerializer},
    )
    def create(self, request):
        params = EtlJobCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        etl_job = services.etl_job_create(by=request.user, **params.validated_data)
        etl_job = self.get_queryset().get(pk=etl_job.pk)
        data = EtlJobSerializer(etl_job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EtlJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        etl_job = self.get_object()
        etl_job = services.etl_job_cancel(etl_job=etl_job, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=etl_job.pk)).data)

    @extend_schema(request=None, responses={201: EtlJobSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        etl_job = self.get_object()
        new = services.etl_job_retry(etl_job=etl_job, by=request.user)
        data = self.get_serializer(self.get_queryset().get(pk=new.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            404: OpenApiResponse(description="no output, or too large to download"),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        etl_job = self.get_object()
        archive = services.etl_job_output_zip(etl_job=etl_job, by=request.user)
        return FileResponse(
            archive,
            as_attachment=True,
            filename=f"omop-{etl_job.target}.zip",
            content_type="application/zip",
        )

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Results summary (small cells shown as "< 10")."""
        etl_job = self.get_object()
        if etl_job.job.status != Job.Status.SUCCEEDED:
            raise services.EtlOutputMissing(_("La conversion n'a pas produit de sortie."))
        return Response(etl_job.results)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """Describe the output in the catalogue (database "OMOP CDM — <extract>")."""
        etl_job = self.get_object()
        database = services.etl_job_register_in_catalogue(etl_job=etl_job, by=request.user)
        return Response({"acronym": database.acronym, "name": database.name})
