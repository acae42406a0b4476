"""Public read API of the SNDS publications (DRF + django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from . import selectors
from .models import Affiliation, Authorship, Publication, SndsComponent, TherapeuticArea, Topic
from .views import _public


class AffiliationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Affiliation
        fields = ["raw_text", "institution", "city", "country", "actor_type", "actor_types"]


class AuthorshipSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="author.display_name")
    orcid = serializers.CharField(source="author.orcid")
    affiliations = AffiliationSerializer(many=True)

    class Meta:
        model = Authorship
        fields = ["order", "name", "orcid", "corresponding", "affiliations"]


class PublicationListSerializer(serializers.ModelSerializer):
    components = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    topic = serializers.SlugRelatedField(slug_field="label", read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id", "pmid", "doi", "hal_id", "title", "journal", "issn", "year", "date",
            "language", "pub_type", "citation_count", "components", "areas", "topic",
            "is_example",
        ]  # fmt: skip


class PublicationSerializer(PublicationListSerializer):
    authorships = AuthorshipSerializer(many=True, read_only=True)

    class Meta(PublicationListSerializer.Meta):
        fields = [
            *PublicationListSerializer.Meta.fields,
            "abstract", "keywords", "mesh_terms", "authorships",
        ]  # fmt: skip


class PublicationFilter(django_filters.FilterSet):
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")
    component = django_filters.CharFilter(field_name="components__code")
    area = django_filters.CharFilter(field_name="areas__code")
    actor_type = django_filters.CharFilter(method="filter_actor_type")
    country = django_filters.CharFilter(
        field_name="authorships__affiliations__country", distinct=True
    )
    topic = django_filters.CharFilter(field_name="topic__label")

    class Meta:
        model = Publication
        fields = ["year", "journal", "pmid", "doi", "language", "pub_type"]

    def filter_actor_type(self, queryset, name, value):
        """Every type a mixed affiliation names counts (``actor_types``, a JSON list)."""
        if not value:
            return queryset
        return queryset.filter(
            Q(authorships__affiliations__actor_type=value)
            | Q(authorships__affiliations__actor_types__icontains=f'"{value}"')
        ).distinct()


class PublicationViewSet(viewsets.ReadOnlyModelViewSet):
    """Publications using the SNDS (curators also see those set aside)."""

    permission_classes = [AllowAny]
    filterset_class = PublicationFilter
    search_fields = ["title", "abstract", "journal"]
    ordering_fields = ["year", "citation_count", "title"]

    def get_queryset(self):
        qs = selectors.publications_visible_to(self.request.user).select_related("topic")
        if self.action == "retrieve":
            return qs.prefetch_related(
                "components", "areas", "authorships__author", "authorships__affiliations"
            )
        return qs.prefetch_related("components", "areas").order_by("-year", "pk")

    def get_serializer_class(self):
        return PublicationSerializer if self.action == "retrieve" else PublicationListSerializer


class ComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SndsComponent
        fields = ["code", "label", "catalogue_code"]


class ComponentViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = SndsComponent.objects.all()
    serializer_class = ComponentSerializer
    lookup_field = "code"
    pagination_class = None


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = TherapeuticArea
        fields = ["code", "label"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = TherapeuticArea.objects.all()
    serializer_class = AreaSerializer
    lookup_field = "code"
    pagination_class = None


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["index", "label", "terms"]


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    pagination_class = None


class IndicatorsView(APIView):
    """Every precomputed indicator (the public never gets per-author figures)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        snapshot = selectors.snapshot_current()
        return Response(
            {
                "computed_at": snapshot.created_at,
                "publications": snapshot.publications,
                "indicators": _public(snapshot.data, request.user),
            }
        )


router = DefaultRouter()
router.register("publications", PublicationViewSet, basename="publications-publication")
router.register("components", ComponentViewSet, basename="publications-component")
router.register("areas", AreaViewSet, basename="publications-area")
router.register("topics", TopicViewSet, basename="publications-topic")

from django.urls import path  # noqa: E402

urlpatterns = [
    path("indicators/", IndicatorsView.as_view(), name="publications-indicators"),
    *router.urls,
]
