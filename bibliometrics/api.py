"""Public read API of the SNDS publications (DRF + django-filter); routes in api_urls."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import Publication, SndsComponent, TherapeuticArea, Topic
from .serializers import (
    AreaSerializer,
    ComponentSerializer,
    PublicationListSerializer,
    PublicationSerializer,
    TopicSerializer,
)


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


class _Vocabulary(viewsets.ReadOnlyModelViewSet):
    """A short public list the publications are classified by, given whole (no pages)."""

    permission_classes = [AllowAny]
    pagination_class = None


class ComponentViewSet(_Vocabulary):
    queryset = SndsComponent.objects.all()
    serializer_class = ComponentSerializer
    lookup_field = "code"


class AreaViewSet(_Vocabulary):
    queryset = TherapeuticArea.objects.all()
    serializer_class = AreaSerializer
    lookup_field = "code"


class TopicViewSet(_Vocabulary):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer


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
                "indicators": selectors.indicators_published(snapshot.data, request.user),
            }
        )
