"""REST API of profiles and quality: public read of published results; the data team
attaches files and starts runs."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalogue.models import Database, Table, Variable
from portal.params import bounded_int
from portal.parsers import StrictJSONParser
from portal.permissions import HasCapability, HasCapabilityOrReadOnly
from portal.roles import Capability

from . import selectors, services
from .serializers import (
    DatabaseQualitySerializer,
    DataFileCreateSerializer,
    DataFileSerializer,
    RunListSerializer,
    RunSerializer,
    RunStartSerializer,
    TableQualitySerializer,
    VariableQualitySerializer,
)

CAPABILITY = Capability.PROFILING_RUN
DATABASE_PARAM = OpenApiParameter("database", str, description="Sigle de la base")
TABLE_PARAM = OpenApiParameter("table", int, description="Identifiant de la table")


@extend_schema(tags=["catalogue-qualité"])
class RunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Profiling runs. Everyone reads published runs; the data team sees failed ones too
    and starts new ones (``POST {"data_file": id}``)."""

    permission_classes = [HasCapabilityOrReadOnly(CAPABILITY)]
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.runs_visible_to(self.request.user).order_by("-created_at")
        params = self.request.query_params
        if (table_id := bounded_int(params.get("table"))) is not None:
            qs = qs.filter(table_id=table_id)
        if params.get("database"):
            qs = qs.filter(table__database__acronym=params["database"])
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return RunStartSerializer
        return RunListSerializer if self.action == "list" else RunSerializer

    @extend_schema(parameters=[DATABASE_PARAM, TABLE_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RunStartSerializer, responses={201: RunSerializer})
    def create(self, request, *args, **kwargs):
        serializer = RunStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.profiling_start(
            data_file=serializer.validated_data["data_file"], by=request.user
        )
        return Response(RunSerializer(run).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["catalogue-qualité"])
class DataFileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Data files attached to tables (data team only): multipart ``upload`` or ``path``
    under the server's data folder."""

    permission_classes = [HasCapability(CAPABILITY)]
    parser_classes = [MultiPartParser, FormParser, StrictJSONParser]
    serializer_class = DataFileSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.data_files_visible_to(self.request.user)

    @extend_schema(request=DataFileCreateSerializer, responses={201: DataFileSerializer})
    def create(self, request, *args, **kwargs):
        serializer = DataFileCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data_file = services.data_file_attach(
            table=data["table"],
            by=request.user,
            upload=data.get("upload"),
            path=data.get("path", ""),
        )
        return Response(DataFileSerializer(data_file).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["catalogue-qualité"])
class TableQualityViewSet(viewsets.ReadOnlyModelViewSet):
    """Each catalogue table with its latest published profile (public)."""

    permission_classes = [AllowAny]
    serializer_class = TableQualitySerializer
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.tables_with_latest_run(Table.objects.all()).order_by(
            "database__acronym", "name"
        )
        if self.request.query_params.get("database"):
            qs = qs.filter(database__acronym=self.request.query_params["database"])
        return qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action == "retrieve"}

    @extend_schema(parameters=[DATABASE_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["catalogue-qualité"])
class VariableQualityViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A variable's latest published statistics and its history across runs (public)."""

    permission_classes = [AllowAny]
    serializer_class = VariableQualitySerializer
    queryset = Variable.objects.select_related("table__database")


@extend_schema(tags=["catalogue-qualité"])
class DatabaseQualityViewSet(viewsets.ReadOnlyModelViewSet):
    """Quality of each database, rolled up from the latest run of each table (public)."""

    permission_classes = [AllowAny]
    serializer_class = DatabaseQualitySerializer
    queryset = Database.objects.order_by("acronym")
    lookup_field = "acronym"
    lookup_value_regex = "[^/]+"
    filter_backends: list = []
