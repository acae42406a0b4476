"""REST API of the code lists: search codes (public); lists, their expansion, exports and
feasibility counts (signed in, visibility of the dossier)."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from access_requests.selectors import dossiers_visible_to
from portal.serializers import ModelSerializer

from . import selectors, services
from .messages import error_message
from .models import SYSTEM_CHOICES, CodeList, ReferentialCode
from .referentials import ReferentialError, System


class CodeSerializer(ModelSerializer):
    class Meta:
        model = ReferentialCode
        fields = ["system", "code", "label", "parent", "level", "extra"]


class ItemSerializer(serializers.Serializer):
    system = serializers.ChoiceField(choices=SYSTEM_CHOICES)
    code = serializers.CharField(max_length=32)
    include_descendants = serializers.BooleanField(default=True)
    excluded = serializers.BooleanField(default=False)

    def validate(self, attrs):
        # A PATCH is partial, and DRF makes the nested items partial too; yet the items a
        # PATCH sends replace the list's items whole: each one is complete.
        missing = {
            f: self.fields[f].error_messages["required"]
            for f in ("system", "code")
            if f not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing)
        return {"include_descendants": True, "excluded": False, **attrs}


class CodeListSerializer(ModelSerializer):
    items = ItemSerializer(many=True, write_only=True)
    version = serializers.SerializerMethodField()
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    comment = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=500
    )
    dossier = serializers.PrimaryKeyRelatedField(
        queryset=CodeList.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = CodeList
        fields = ["id", "name", "description", "rationale", "author", "dossier", "created_at",
                  "items", "version", "comment"]  # fmt: skip
        read_only_fields = ["created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        self.fields["dossier"].queryset = (
            dossiers_visible_to(user) if user else CodeList.objects.none()
        )

    def get_version(self, obj) -> dict:
        latest = obj.latest
        return {
            "number": latest.number,
            "items": ItemSerializer(latest.items.all(), many=True).data,
        }


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="nom, substance ou début de code"),
        OpenApiParameter("system", str, enum=list(System.ALL)),
    ],
    responses=inline_serializer(
        "CodeSearch", {"results": CodeSerializer(many=True), "facets": serializers.DictField()}
    ),  # fmt: skip
)
@api_view(["GET"])
@permission_classes([AllowAny])
def code_search(request):
    system = request.query_params.get("system", "")
    if system and system not in System.ALL:
        raise ValidationError({"system": f"one of {', '.join(System.ALL)}"})
    hits, facets = selectors.codes_search(request.query_params.get("q", "")[:200], system=system)
    return Response({"results": CodeSerializer(hits, many=True).data, "facets": facets})


class CodeListViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, viewsets.GenericViewSet,
):  # fmt: skip
    """Lists the user may see; every update makes a new version."""

    serializer_class = CodeListSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.code_lists_visible_to(self.request.user).order_by("-created_at")

    def _items(self, data):
        return [dict(i) for i in data.pop("items", [])] if "items" in data else None

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        items = self._items(data) or []
        try:
            serializer.instance = services.code_list_create(
                by=self.request.user, items=items, **data
            )
        except ReferentialError as exc:
            raise ValidationError(
                {"items": error_message(exc), "unknown": exc.params.get("codes")}
            ) from exc

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        items = self._items(data)
        comment = data.pop("comment", "")
        try:
            services.code_list_update(
                code_list=serializer.instance, by=self.request.user, items=items,
                comment=comment, **data,
            )  # fmt: skip
        except ReferentialError as exc:
            raise ValidationError(
                {"items": error_message(exc), "unknown": exc.params.get("codes")}
            ) from exc

    def _version(self, request, code_list):
        number = request.query_params.get("version", "")
        if not number:
            return code_list.latest
        if not number.isdigit() or not code_list.versions.filter(number=int(number)).exists():
            raise NotFound()
        return code_list.versions.get(number=int(number))

    @extend_schema(parameters=[OpenApiParameter("version", int)],
                   responses=inline_serializer("Expanded", {"codes": serializers.ListField()}))  # fmt: skip
    @action(detail=True)
    def expanded(self, request, pk=None):
        version = self._version(request, self.get_object())
        codes = selectors.version_expand(version)
        return Response({"version": version.number, "count": len(codes),
                         "codes": [{"system": c.system, "code": c.code, "label": c.label}
                                   for c in codes]})  # fmt: skip

    @extend_schema(parameters=[OpenApiParameter("version", int),
                               OpenApiParameter("fmt", str, enum=list(selectors.EXPORTS))],
                   responses={(200, "text/plain"): str})  # fmt: skip
    @action(detail=True)
    def export(self, request, pk=None):
        code_list = self.get_object()
        fmt = request.query_params.get("fmt", "csv")
        if fmt not in selectors.EXPORTS:
            raise ValidationError({"fmt": f"one of {', '.join(selectors.EXPORTS)}"})
        version = self._version(request, code_list)
        content, content_type = selectors.version_export(code_list, version, fmt)
        return HttpResponse(content, content_type=f"{content_type}; charset=utf-8")

    @extend_schema(
        request=inline_serializer("CountRequest", {"output": serializers.UUIDField()}),
        parameters=[OpenApiParameter("version", int)],
        responses=inline_serializer("Counts", {"total": serializers.CharField()}),
    )
    @action(detail=True, methods=["post"])
    def count(self, request, pk=None):
        code_list = self.get_object()
        version = self._version(request, code_list)
        from django.http import Http404

        try:
            etl_job = selectors.output_get(request.user, request.data.get("output"))
        except Http404 as exc:
            raise NotFound() from exc
        counts = selectors.version_count(version, Path(etl_job.output_path))
        return Response({"version": version.number, "output": str(etl_job.pk), **counts},
                        status=status.HTTP_200_OK)  # fmt: skip
