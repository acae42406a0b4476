"""Serializers of the public publications API."""

from __future__ import annotations

from rest_framework import serializers

from portal.serializers import ModelSerializer

from .models import Affiliation, Authorship, Publication, SndsComponent, TherapeuticArea, Topic


class AffiliationSerializer(ModelSerializer):
    class Meta:
        model = Affiliation
        fields = ["raw_text", "institution", "city", "country", "actor_type", "actor_types"]


class AuthorshipSerializer(ModelSerializer):
    name = serializers.CharField(source="author.display_name")
    orcid = serializers.CharField(source="author.orcid")
    affiliations = AffiliationSerializer(many=True)

    class Meta:
        model = Authorship
        fields = ["order", "name", "orcid", "corresponding", "affiliations"]


class PublicationListSerializer(ModelSerializer):
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


class ComponentSerializer(ModelSerializer):
    class Meta:
        model = SndsComponent
        fields = ["code", "label", "catalogue_code"]


class AreaSerializer(ModelSerializer):
    class Meta:
        model = TherapeuticArea
        fields = ["code", "label"]


class TopicSerializer(ModelSerializer):
    class Meta:
        model = Topic
        fields = ["index", "label", "terms"]
