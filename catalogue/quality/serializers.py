"""API representations. Everything public comes from published (suppressed) results."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue.models import Database, Table, Variable
from portal.serializers import ModelSerializer

from . import selectors
from .models import DataFile, ProfilingRun


class DataFileSerializer(ModelSerializer):
    class Meta:
        model = DataFile
        fields = ["id", "table", "origin", "original_name", "format", "size", "created_at"]
        read_only_fields = fields


class DataFileCreateSerializer(serializers.Serializer):
    table = serializers.PrimaryKeyRelatedField(queryset=Table.objects.all())
    upload = serializers.FileField(required=False, help_text="CSV (; ou ,) ou Parquet")
    path = serializers.CharField(
        required=False, allow_blank=True, help_text="Chemin sous le dossier de données du serveur"
    )


class RunStartSerializer(serializers.Serializer):
    data_file = serializers.PrimaryKeyRelatedField(queryset=DataFile.objects.all())


class ScoresSerializer(serializers.Serializer):
    conformance = serializers.FloatField(allow_null=True)
    completeness = serializers.FloatField(allow_null=True)
    plausibility = serializers.FloatField(allow_null=True)
    overall = serializers.FloatField(allow_null=True)
    grade = serializers.CharField(allow_null=True)


class RunSerializer(ModelSerializer):
    database = serializers.CharField(source="table.database.acronym", read_only=True)
    table_name = serializers.CharField(source="table.name", read_only=True)
    status = serializers.CharField(source="job.status", read_only=True)
    job = serializers.UUIDField(source="job.pk", read_only=True)
    scores = ScoresSerializer(read_only=True)
    rows_count = serializers.SerializerMethodField()
    profile = serializers.SerializerMethodField()

    class Meta:
        model = ProfilingRun
        fields = [
            "id",
            "table",
            "database",
            "table_name",
            "status",
            "job",
            "created_at",
            "published_at",
            "rows_count",
            "scores",
            "profile",
        ]
        read_only_fields = fields

    # A count, or "< 10" once suppressed; null until the run is published.
    @extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True})
    def get_rows_count(self, run):
        return (run.result or {}).get("rows_count") if run.is_published else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_profile(self, run):
        """The published profile (small counts shown as "< 10"), with its variables."""
        if not run.is_published:
            return None
        return {
            **run.result,
            "variables": [r.data for r in run.variable_results.order_by("position")],
        }


class RunListSerializer(RunSerializer):
    class Meta(RunSerializer.Meta):
        fields = [f for f in RunSerializer.Meta.fields if f != "profile"]
        read_only_fields = fields


class TableQualitySerializer(ModelSerializer):
    database = serializers.CharField(source="database.acronym", read_only=True)
    latest_run = serializers.SerializerMethodField()

    class Meta:
        model = Table
        fields = ["id", "database", "name", "latest_run"]

    @extend_schema_field(RunSerializer(allow_null=True))
    def get_latest_run(self, table):
        run_id = getattr(table, "latest_run_id", None)
        run = (
            ProfilingRun.objects.filter(pk=run_id).select_related("table__database", "job").first()
            if run_id
            else selectors.latest_run(table)
        )
        if run is None:
            return None
        serializer = RunSerializer if self.context.get("detail") else RunListSerializer
        return serializer(run, context=self.context).data


class HistoryPointSerializer(serializers.Serializer):
    run = serializers.IntegerField(source="run_id")
    published_at = serializers.DateTimeField(source="run.published_at")
    completeness_pct = serializers.FloatField(allow_null=True)
    conformance_pct = serializers.FloatField(allow_null=True)
    plausibility_pct = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    grade = serializers.CharField()


class VariableQualitySerializer(ModelSerializer):
    table = serializers.CharField(source="table.name", read_only=True)
    database = serializers.CharField(source="table.database.acronym", read_only=True)
    latest = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Variable
        fields = ["id", "database", "table", "name", "latest", "history"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_latest(self, variable):
        result = selectors.variable_latest(variable)
        return None if result is None else {**result.data, "grade": result.grade or None}

    @extend_schema_field(HistoryPointSerializer(many=True))
    def get_history(self, variable):
        return HistoryPointSerializer(selectors.variable_history(variable), many=True).data


class DatabaseQualitySerializer(ModelSerializer):
    scores = serializers.SerializerMethodField()
    tables = serializers.SerializerMethodField()

    class Meta:
        model = Database
        fields = ["acronym", "name", "scores", "tables"]

    def _rollup(self, database) -> dict:
        cache = self.context.setdefault("_rollups", {})
        if database.pk not in cache:
            cache[database.pk] = selectors.database_rollup(database)
        return cache[database.pk]

    @extend_schema_field(ScoresSerializer(allow_null=True))
    def get_scores(self, database):
        scores = self._rollup(database)["scores"]
        return None if scores is None else ScoresSerializer(scores).data

    @extend_schema_field(RunListSerializer(many=True))
    def get_tables(self, database):
        return RunListSerializer(self._rollup(database)["runs"], many=True).data
