"""REST API of the dossiers: the same visibility selector as the pages."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from portal.parsers import StrictJSONParser
from portal.roles import Capability, can
from portal.uploads import upload_limit

from . import services
from .models import Message
from .rules import can_edit
from .selectors import (
    REQUESTED_PREFETCH,
    dossier_search,
    dossiers_public,
    dossiers_visible_to,
    messages_visible_to,
)
from .serializers import (
    DocumentSerializer,
    DocumentUploadSerializer,
    DossierSerializer,
    HistoryEntrySerializer,
    MessageSerializer,
    PublicDossierSerializer,
    RequestedDataSerializer,
    TeamMemberSerializer,
    TransitionRequestSerializer,
)


def _valid(serializer_class, request) -> dict:
    """The request's payload, validated by ``serializer_class`` (400 with its errors)."""
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


def _created(serializer_class, instance) -> Response:
    """201 with what an action just created, as ``serializer_class`` shows it."""
    return Response(serializer_class(instance).data, status=status.HTTP_201_CREATED)


class _Search:
    def filtered(self, qs):
        params = self.request.query_params
        return dossier_search(
            qs,
            q=params.get("q", ""),
            route=params.get("route", ""),
            status=params.get("status", ""),
            year=params.get("year"),
        )


class DossierViewSet(
    _Search,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Dossiers the caller may see; porteurs create and edit theirs; steps via ``transition``."""

    serializer_class = DossierSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "reference"
    ordering_fields = ["created_at", "due_on", "reference"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return self.filtered(
            dossiers_visible_to(self.request.user).select_related("owner")
        ).prefetch_related("team__user", *REQUESTED_PREFETCH, "documents")

    def perform_create(self, serializer):
        if not can(self.request.user, Capability.DOSSIER_CREATE):
            raise PermissionDenied
        data = {k: v for k, v in serializer.validated_data.items() if k in services.DOSSIER_FIELDS}
        serializer.instance = services.dossier_create(by=self.request.user, **data)

    def perform_update(self, serializer):
        dossier = serializer.instance
        if not can_edit(self.request.user, dossier):
            raise PermissionDenied
        services.dossier_update(
            dossier=dossier, by=self.request.user, data=dict(serializer.validated_data)
        )

    @extend_schema(request=TransitionRequestSerializer, responses=DossierSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, reference=None):
        dossier = self.get_object()
        data = _valid(TransitionRequestSerializer, request)
        params = {k: v for k, v in data.items() if v not in (None, "")}
        name = params.pop("transition")
        comment = params.pop("comment", "")
        dossier = services.dossier_transition(
            dossier=dossier, name=name, by=request.user, comment=comment, **params
        )
        return Response(DossierSerializer(dossier, context={"request": request}).data)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, reference=None):
        dossier = self.get_object()
        entries = dossier.history.select_related("actor")
        return Response(HistoryEntrySerializer(entries, many=True).data)

    @extend_schema(methods=["GET"], responses=MessageSerializer(many=True))
    @extend_schema(methods=["POST"], request=MessageSerializer, responses=MessageSerializer)
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def messages(self, request, reference=None):
        dossier = self.get_object()
        if request.method == "GET":
            return Response(
                MessageSerializer(messages_visible_to(request.user, dossier), many=True).data
            )
        data = _valid(MessageSerializer, request)
        message = services.message_post(
            dossier=dossier,
            by=request.user,
            body=data["body"],
            kind=data.get("kind", Message.Kind.THREAD),
        )
        return _created(MessageSerializer, message)

    @extend_schema(methods=["GET"], responses=DocumentSerializer(many=True))
    @extend_schema(methods=["POST"], request=DocumentUploadSerializer, responses=DocumentSerializer)
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, StrictJSONParser],
        pagination_class=None,
        filter_backends=[],
    )
    @method_decorator(upload_limit("ACCESS_DOCUMENT_MAX_BYTES"))
    def documents(self, request, reference=None):
        dossier = self.get_object()
        if request.method == "GET":
            return Response(DocumentSerializer(dossier.documents.all(), many=True).data)
        data = _valid(DocumentUploadSerializer, request)
        document = services.document_add(
            dossier=dossier, by=request.user, kind=data["kind"], upload=data["file"]
        )
        return _created(DocumentSerializer, document)

    @extend_schema(methods=["GET"], responses=RequestedDataSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=RequestedDataSerializer, responses=RequestedDataSerializer
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="requested-data",
        pagination_class=None,
        filter_backends=[],
    )
    def requested_data(self, request, reference=None):
        dossier = self.get_object()
        if request.method == "GET":
            items = dossier.requested_data.select_related("database", "table__database")
            return Response(RequestedDataSerializer(items, many=True).data)
        data = dict(_valid(RequestedDataSerializer, request))
        names = data.pop("variable_names", [])
        if names:
            # variables are named within the requested table (names repeat across tables)
            table = data.get("table")
            found = list(table.variables.filter(name__in=names)) if table else []
            if len(found) != len(set(names)):
                missing = ", ".join(sorted(set(names) - {v.name for v in found}))
                return Response(
                    {
                        "detail": _("Variables absentes de la table choisie : %(v)s")
                        % {"v": missing}
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
            data["variables"] = found
        item = services.requested_data_add(dossier=dossier, by=request.user, **data)
        return _created(RequestedDataSerializer, item)

    @extend_schema(request=TeamMemberSerializer, responses=TeamMemberSerializer)
    @action(detail=True, methods=["post"])
    def team(self, request, reference=None):
        dossier = self.get_object()
        data = _valid(TeamMemberSerializer, request)
        member = services.team_member_add(
            dossier=dossier, by=request.user, user=data["user"], role=data["role"]
        )
        return _created(TeamMemberSerializer, member)


class DirectoryViewSet(_Search, viewsets.ReadOnlyModelViewSet):
    """The public directory of projects (open data, no authentication)."""

    serializer_class = PublicDossierSerializer
    permission_classes = [AllowAny]
    lookup_field = "reference"
    ordering_fields = ["submitted_on", "reference"]

    def get_queryset(self):
        return (
            self.filtered(dossiers_public())
            .prefetch_related(*REQUESTED_PREFETCH)
            .order_by("-submitted_on", "-id")
        )
