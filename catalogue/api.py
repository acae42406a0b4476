"""Catalogue API: public read, writes for ``catalogue.curate`` (the ``data`` role)."""

from django.db.models import Count
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from portal.permissions import HasCapabilityOrReadOnly
from portal.roles import Capability
from portal.serializers import ModelSerializer

from .models import Database, JoinKey, Nomenclature, NomenclatureValue, Table, Variable
from .search import catalogue_search
from .selectors import databases_with_counts
from .services.curation import (
    catalogue_object_create,
    catalogue_object_delete,
    catalogue_object_update,
)

CURATE = HasCapabilityOrReadOnly(Capability.CATALOGUE_CURATE)


class DatabaseSerializer(ModelSerializer):
    # Annotated by the viewset's queryset; an object just created has none yet (0).
    table_count = serializers.IntegerField(read_only=True, default=0)
    variable_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Database
        exclude = ["id"]
        read_only_fields = ["updated_at"]


class TableSerializer(ModelSerializer):
    database = serializers.SlugRelatedField(slug_field="acronym", queryset=Database.objects.all())
    variable_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Table
        fields = "__all__"
        read_only_fields = ["updated_at"]


class VariableSerializer(ModelSerializer):
    nomenclature = serializers.SlugRelatedField(
        slug_field="name", queryset=Nomenclature.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Variable
        fields = "__all__"
        read_only_fields = ["updated_at"]


class NomenclatureSerializer(ModelSerializer):
    class Meta:
        model = Nomenclature
        exclude = ["values_digest"]
        read_only_fields = ["updated_at"]


class NomenclatureValueSerializer(ModelSerializer):
    nomenclature = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = NomenclatureValue
        fields = ["id", "nomenclature", "position", "code", "label", "extra"]


class JoinKeySerializer(ModelSerializer):
    from_table = serializers.SlugRelatedField(slug_field="name", read_only=True)
    # None while the referenced table is not in the catalogue yet (kept and reported).
    to_table = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    resolved = serializers.BooleanField(read_only=True)

    class Meta:
        model = JoinKey
        fields = [
            "id",
            "from_table",
            "from_columns",
            "to_table",
            "to_table_name",
            "to_columns",
            "resolved",
        ]


class CuratedViewSet(viewsets.ModelViewSet):
    """Writes go through the curation services (one transaction, audited)."""

    def perform_create(self, serializer):
        serializer.instance = catalogue_object_create(
            model=serializer.Meta.model, data=serializer.validated_data, by=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = catalogue_object_update(
            instance=serializer.instance, data=serializer.validated_data, by=self.request.user
        )

    def perform_destroy(self, instance):
        catalogue_object_delete(instance=instance, by=self.request.user)


class DatabaseViewSet(CuratedViewSet):
    """Databases of the catalogue (counts come from the rows)."""

    serializer_class = DatabaseSerializer
    permission_classes = [CURATE]
    lookup_field = "acronym"
    filterset_fields = ["update_frequency"]
    search_fields = ["acronym", "name", "description"]

    def get_queryset(self):
        return databases_with_counts()


class TableViewSet(CuratedViewSet):
    serializer_class = TableSerializer
    permission_classes = [CURATE]
    filterset_fields = ["database__acronym", "product", "name"]
    search_fields = ["name", "title", "description"]
    queryset = (
        Table.objects.select_related("database")
        .annotate(variable_count=Count("variables"))
        .order_by("database__acronym", "name")
    )


class VariableViewSet(CuratedViewSet):
    serializer_class = VariableSerializer
    permission_classes = [CURATE]
    filterset_fields = ["table", "table__name", "table__database__acronym", "type", "name"]
    search_fields = ["name", "description"]
    queryset = Variable.objects.select_related("nomenclature").order_by("table_id", "position")


class NomenclatureViewSet(CuratedViewSet):
    serializer_class = NomenclatureSerializer
    permission_classes = [CURATE]
    lookup_field = "name"
    filterset_fields = ["source"]
    search_fields = ["name", "title"]
    queryset = Nomenclature.objects.order_by("name")


class NomenclatureValueViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NomenclatureValueSerializer
    filterset_fields = ["nomenclature__name", "code"]
    search_fields = ["code", "label"]
    queryset = NomenclatureValue.objects.select_related("nomenclature").order_by("id")


class JoinKeyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = JoinKeySerializer
    filterset_fields = ["from_table__name", "to_table_name"]
    queryset = JoinKey.objects.select_related("from_table", "to_table").order_by("id")


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    context = serializers.CharField()
    database = serializers.CharField()
    product = serializers.CharField()
    type = serializers.CharField()
    score = serializers.FloatField()


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField()
    hits = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=serializers.ListField())


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="texte cherché"),
        OpenApiParameter("database", str),
        OpenApiParameter("product", str),
        OpenApiParameter("type", str),
        OpenApiParameter("kind", str),
    ],
    responses=SearchResultsSerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def search(request):
    """Ranked search across databases, tables, variables and nomenclature values."""
    params = {k: request.query_params.get(k, "") for k in ("database", "product", "type", "kind")}
    results = catalogue_search(request.query_params.get("q", ""), **params, limit=50)
    return Response(SearchResultsSerializer(results).data)
