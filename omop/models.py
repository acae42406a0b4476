"""An OMOP conversion run from the portal: one :class:`EtlJob` per background job.

The :class:`portal.models.Job` it points at is the truth about status, progress, log and
timings (the shared job pattern); this record adds what a conversion needs: where the
extract comes from, the engine, the output, the per-step progress, the report and the
results summary (both already through the small-cell rule).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# A seed is stored in a 32-bit integer column: larger ones are refused at the door.
SEED_MAX = 2**31 - 1


class EtlJob(models.Model):
    class Source(models.TextChoices):
        DATA_ROOT = "data_root", _("dossier du serveur")
        UPLOAD = "upload", _("archive zip déposée")
        GENERATED = "generated", _("extrait synthétique généré")

    class Engine(models.TextChoices):
        DUCKDB = "duckdb", _("DuckDB (dans le worker)")
        SPARK = "spark", _("Spark")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV (un fichier par table)")
        PARQUET = "parquet", _("Parquet (un fichier par table)")
        SQLITE = "sqlite", _("base SQLite")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.OneToOneField(
        "portal.Job", verbose_name=_("tâche"), on_delete=models.PROTECT, related_name="etl_job"
    )
    source = models.CharField(_("source de l'extrait"), max_length=16, choices=Source.choices)
    source_path = models.CharField(
        _("dossier (relatif à la racine des données)"), max_length=500, blank=True
    )
    upload_file = models.CharField(_("archive déposée (stockée)"), max_length=500, blank=True)
    upload_name = models.CharField(_("nom de l'archive"), max_length=255, blank=True)
    persons = models.PositiveIntegerField(_("personnes générées"), null=True, blank=True)
    seed = models.IntegerField(_("graine"), null=True, blank=True)  # 0 … SEED_MAX
    extract_label = models.CharField(_("extrait"), max_length=255)
    engine = models.CharField(_("moteur"), max_length=16, choices=Engine.choices)
    output_format = models.CharField(_("format de sortie"), max_length=16, choices=Format.choices)
    target = models.SlugField(
        _("sortie"),
        max_length=64,
        help_text=_(
            "Nom du dossier de sortie ; une nouvelle conversion vers le même nom le remplace."
        ),
    )
    window_start = models.DateField(_("début de la fenêtre"), null=True, blank=True)
    window_end = models.DateField(_("fin de la fenêtre"), null=True, blank=True)
    # True while the job may still write its target; the partial unique constraint below
    # is what guarantees that two jobs never write the same output at once.
    active = models.BooleanField(_("en cours d'écriture"), default=True, editable=False)
    steps = models.JSONField(_("progression par étape"), default=dict, blank=True)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    results = models.JSONField(_("résultats"), default=dict, blank=True)
    output_bytes = models.BigIntegerField(_("taille de la sortie (octets)"), null=True, blank=True)
    catalogue_acronym = models.CharField(
        _("base du catalogue"), max_length=64, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("conversion OMOP")
        verbose_name_plural = _("conversions OMOP")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"],
                condition=Q(active=True),
                name="omop_etljob_one_writer_per_target",
            )
        ]

    def __str__(self) -> str:
        return f"OMOP — {self.extract_label} → {self.target}"

    def get_absolute_url(self) -> str:
        return reverse("omop:job-detail", args=[self.pk])

    @property
    def display_label(self) -> str:
        """The extract in the page's language: a generated one is worded when shown (its
        stored ``extract_label`` is in the language it was created in)."""
        if self.source == self.Source.GENERATED and self.persons is not None:
            from .labels import generated_extract_label

            return str(generated_extract_label(self.persons, self.seed))
        return self.extract_label

    @property
    def status(self) -> str:
        return self.job.status

    @property
    def created_by(self):
        return self.job.created_by

    @property
    def output_dir(self) -> Path:
        """Folder of the output (for SQLite: the folder holding ``omop.sqlite``)."""
        return Path(settings.PRIVATE_ROOT) / "omop" / self.target

    @property
    def output_path(self) -> Path:
        """What the engine is given as ``output``."""
        if self.output_format == self.Format.SQLITE:
            return self.output_dir / "omop.sqlite"
        return self.output_dir

    @property
    def workdir(self) -> Path:
        """Scratch space of the run (unzipped or generated extract), removed at the end."""
        return Path(settings.PRIVATE_ROOT) / "omop" / ".work" / str(self.pk)

    @property
    def window(self) -> tuple[str | None, str | None] | None:
        if not (self.window_start or self.window_end):
            return None
        return (
            self.window_start.isoformat() if self.window_start else None,
            self.window_end.isoformat() if self.window_end else None,
        )


# The vocabulary module's models belong to this app (one migration history).
from .vocabulary.models import (  # noqa: E402, F401
    MappingDecision,
    MappingSetVersion,
    SourceToConceptMap,
    VocabularyRelease,
)
