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
        payload = TransitionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        params = {k: v for k, v in payload.validated_data.items() if v not in (None, "")}
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
        payload = MessageSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        message = services.message_post(
            dossier=dossier,
            by=request.user,
            body=payload.validated_data["body"],
            kind=payload.validated_data.get("kind", Message.Kind.THREAD),
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

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
        payload = DocumentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        document = services.document_add(
            dossier=dossier,
            by=request.user,
            kind=payload.validated_data["kind"],
            upload=payload.validated_data["file"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

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
        payload = RequestedDataSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
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
        return Response(RequestedDataSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamMemberSerializer, responses=TeamMemberSerializer)
    @action(detail=True, methods=["post"])
    def team(self, request, reference=None):
        dossier = self.get_object()
        payload = TeamMemberSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member = services.team_member_add(
            dossier=dossier,
            by=request.user,
            user=payload.validated_data["user"],
            role=payload.validated_data["role"],
        )
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)


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
