"""Loaded vocabulary releases and the curated SOURCE_TO_CONCEPT_MAP.

The vocabulary tables themselves (CONCEPT, CONCEPT_RELATIONSHIP…, tens of millions of rows)
are not Django models: they are streamed into a schema of their own (``vocab`` on
PostgreSQL, ``vocab_*`` tables on SQLite) by :mod:`omop.vocabulary.store`, and swapped in
whole, so that the previous vocabulary stays in use until a new one is complete.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.fields import optional_link


class VocabularyRelease(models.Model):
    created_at = models.DateTimeField(_("chargé le"), auto_now_add=True)
    created_by = optional_link(settings.AUTH_USER_MODEL, _("chargé par"))
    source_name = models.CharField(_("source"), max_length=255)
    fingerprint = models.CharField(_("empreinte"), max_length=64, db_index=True)
    versions = models.JSONField(_("versions"), default=dict)  # vocabulary_id → version
    row_counts = models.JSONField(_("lignes"), default=dict)  # file → rows
    parquet_dir = models.CharField(_("dossier Parquet"), max_length=500)
    is_current = models.BooleanField(_("en service"), default=False)
    seconds = models.FloatField(_("durée (s)"), default=0)

    class Meta:
        verbose_name = _("version de vocabulaire OMOP")
        verbose_name_plural = _("versions de vocabulaire OMOP")
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_vocabulary"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def version_string(self) -> str:
        from omop.etl.athena import version_string

        return version_string(self.versions)


class MappingSetVersion(models.Model):
    """One version of the curated SOURCE_TO_CONCEPT_MAP: each load or review decision makes
    a new one; old versions stay readable, the newest is used by the next conversion."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    created_by = optional_link(settings.AUTH_USER_MODEL, _("créée par"))
    reason = models.CharField(_("motif"), max_length=255)

    class Meta:
        verbose_name = _("version de la table de correspondance")
        verbose_name_plural = _("versions de la table de correspondance")
        ordering = ("-number",)

    def __str__(self) -> str:
        return f"STCM v{self.number}"


class SourceToConceptMap(models.Model):
    """A row of the OMOP SOURCE_TO_CONCEPT_MAP, valid from one mapping-set version until
    the version that replaced it (``retired_in``)."""

    source_code = models.CharField(_("code source"), max_length=50)
    source_concept_id = models.BigIntegerField(_("concept source"), default=0)
    source_vocabulary_id = models.CharField(_("vocabulaire source"), max_length=20)
    source_code_description = models.CharField(_("libellé source"), max_length=255, blank=True)
    target_concept_id = models.BigIntegerField(_("concept cible"))
    target_vocabulary_id = models.CharField(_("vocabulaire cible"), max_length=20, blank=True)
    valid_start_date = models.DateField(_("début de validité"))
    valid_end_date = models.DateField(_("fin de validité"))
    invalid_reason = models.CharField(_("motif d'invalidité"), max_length=1, blank=True)
    added_in = models.ForeignKey(
        MappingSetVersion, on_delete=models.PROTECT, related_name="added",
        verbose_name=_("ajoutée en version"),
    )  # fmt: skip
    retired_in = models.ForeignKey(
        MappingSetVersion, null=True, blank=True, on_delete=models.PROTECT,
        related_name="retired", verbose_name=_("retirée en version"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("correspondance source → concept")
        verbose_name_plural = _("correspondances source → concept")
        indexes = [models.Index(fields=["source_vocabulary_id", "source_code"])]

    def __str__(self) -> str:
        return f"{self.source_vocabulary_id}:{self.source_code} → {self.target_concept_id}"


class MappingDecision(models.Model):
    """A curator's decision on an unmapped source code (what Usagi records)."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("approuvée")
        REJECTED = "rejected", _("rejetée")

    source_vocabulary_id = models.CharField(_("vocabulaire source"), max_length=20)
    source_code = models.CharField(_("code source"), max_length=50)
    source_name = models.CharField(_("libellé source"), max_length=255, blank=True)
    source_frequency = models.BigIntegerField(_("lignes"), default=0)
    target_concept_id = models.BigIntegerField(_("concept cible"), default=0)
    target_concept_name = models.CharField(_("nom du concept"), max_length=255, blank=True)
    target_domain_id = models.CharField(_("domaine"), max_length=20, blank=True)
    match_score = models.FloatField(_("score"), default=0)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    comment = models.TextField(_("commentaire"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("décidée par"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("décidée le"), auto_now_add=True)
    mapping_version = models.ForeignKey(
        MappingSetVersion, on_delete=models.PROTECT, related_name="decisions",
        verbose_name=_("version"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("décision d'alignement")
        verbose_name_plural = _("décisions d'alignement")
        ordering = ("-decided_at",)

    def __str__(self) -> str:
        return f"{self.source_vocabulary_id}:{self.source_code} ({self.get_status_display()})"
