"""API serializers. The public ones never carry internal notes, documents or people."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from portal.serializers import ModelSerializer

from .models import (
    CONTENT_FIELDS,
    DECISION_FIELDS,
    KEY_DATE_FIELDS,
    CnilDecision,
    Document,
    Dossier,
    HistoryEntry,
    Message,
    Opinion,
    RequestedData,
    Route,
    TeamMember,
)


def _blank_choice(choices):
    """A read-only choice that may still be "" (DRF drops ``allow_blank`` from read-only
    model fields, so the OpenAPI schema would say the empty value is impossible)."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


PUBLIC_FIELDS = [
    "reference",
    "title",
    "data_controller",
    "public_summary",
    "route",
    "status",
    "submitted_on",
    "cesrees_opinion_on",
    "cesrees_opinion",
    "cnil_decision_on",
    "cnil_decision",
    "requested_data",
    "results_summary",
    "results_published_on",
    "objectives",
    "public_interest",
    "results_url",
]


def public_row(dossier: Dossier) -> dict:
    """One dossier as published in the directory (open data)."""
    row = {f: getattr(dossier, f) for f in PUBLIC_FIELDS if f != "requested_data"}
    row["requested_data"] = [
        {"name": item.display_name, "catalogue_url": item.catalogue_url}
        for item in dossier.requested_data.all()
    ]
    return row


# The committee's reasons and the follow-up of an authorised project (read-only).
OPINION_AND_FOLLOW_UP_FIELDS = [
    "cesrees_reasons",
    "cesrees_recommendations",
    "authorisation_expires_on",
    "agreement_signed_on",
    "data_delivered_on",
    "workspace",
    "results_due_on",
    "results_url",
]


class RequestedDataSerializer(ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    catalogue_url = serializers.CharField(read_only=True)
    variables = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    variable_names = serializers.ListField(
        child=serializers.CharField(), required=False, write_only=True
    )

    class Meta:
        model = RequestedData
        fields = [
            "id",
            "name",
            "database",
            "table",
            "catalogue_url",
            "label",
            "variables",
            "variable_names",
            "study_start",
            "study_end",
            "codes",
            "code_list_version",
            "justification",
        ]
        read_only_fields = ["id"]


class PublicRequestedDataSerializer(ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    catalogue_url = serializers.CharField(read_only=True)

    class Meta:
        model = RequestedData
        fields = ["name", "catalogue_url"]


class BlankAsNullURLField(serializers.URLField):
    """A URL that may be unset: published as null rather than "", which is no URI (the
    OpenAPI schema says ``format: uri``; schemathesis holds the API to it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None

    def to_internal_value(self, data):
        return super().to_internal_value(data) if data else ""


class PublicDossierSerializer(ModelSerializer):
    requested_data = PublicRequestedDataSerializer(many=True, read_only=True)
    results_url = BlankAsNullURLField(read_only=True)
    cesrees_opinion = _blank_choice(Opinion.choices)
    cnil_decision = _blank_choice(CnilDecision.choices)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    route_label = serializers.CharField(source="get_route_display", read_only=True)

    class Meta:
        model = Dossier
        fields = [*PUBLIC_FIELDS, "status_label", "route_label"]
        read_only_fields = fields


class _PorteurField(serializers.SlugRelatedField):
    """A porteur by user name; one error whether the name is unknown, inactive or staff."""

    def to_internal_value(self, data):
        from .services.team import NO_SUCH_PORTEUR, team_candidate

        user = team_candidate(str(data))
        if user is None:
            raise serializers.ValidationError(str(NO_SUCH_PORTEUR))
        return user


class TeamMemberSerializer(ModelSerializer):
    user = _PorteurField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
    )

    class Meta:
        model = TeamMember
        fields = ["user", "role"]
        extra_kwargs = {"role": {"required": True}}  # a member without a role is a 400


class DocumentSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "version",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return obj.get_absolute_url()


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Document.Kind.choices)
    file = serializers.FileField()


class HistoryEntrySerializer(ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HistoryEntry
        fields = ["at", "actor", "transition", "from_status", "to_status", "comment"]


class MessageSerializer(ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class DossierSerializer(ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    results_url = BlankAsNullURLField(read_only=True)
    team = TeamMemberSerializer(many=True, read_only=True)
    requested_data = RequestedDataSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()
    cesrees_opinion = _blank_choice(Opinion.choices)
    cnil_decision = _blank_choice(CnilDecision.choices)
    redirected_to = _blank_choice(Route.choices)

    class Meta:
        model = Dossier
        fields = [
            "reference",
            "url",
            *CONTENT_FIELDS,
            "owner",
            "team",
            *DECISION_FIELDS,
            "status_label",
            *KEY_DATE_FIELDS,
            "results_summary",
            *OPINION_AND_FOLLOW_UP_FIELDS,
            "requested_data",
            "documents",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reference",
            "owner",
            *DECISION_FIELDS,
            *KEY_DATE_FIELDS,
            "results_summary",
            *OPINION_AND_FOLLOW_UP_FIELDS,
            "created_at",
            "updated_at",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class TransitionRequestSerializer(serializers.Serializer):
    transition = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    items = serializers.CharField(required=False, allow_blank=True)
    answer = serializers.CharField(required=False, allow_blank=True)
    opinion = serializers.CharField(required=False, allow_blank=True)
    reasons = serializers.CharField(required=False, allow_blank=True)
    recommendations = serializers.CharField(required=False, allow_blank=True)
    route = serializers.CharField(required=False, allow_blank=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    signed_on = serializers.DateField(required=False, allow_null=True)
    results_due_on = serializers.DateField(required=False, allow_null=True)
    workspace = serializers.CharField(required=False, allow_blank=True)
    results_url = serializers.URLField(required=False, allow_blank=True)
