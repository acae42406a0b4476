"""Profiling runs of catalogue tables and their *published* results.

What is stored here is read by public pages and the API, so it only ever holds the output
of :func:`catalogue.profiling.suppression.publishable`: no count below the small-cell
threshold, no example value, coarsened extremes of quasi-identifiers. The raw profile
lives in memory for the time of the run and is never saved.

A failed run keeps its row (linked to its job, whose ``error`` says what to fix) and no
result at all.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.fields import optional_link


class DataFile(models.Model):
    """A data file of a catalogue table: an upload kept under ``PRIVATE_ROOT`` or a file
    already on the server under ``DATA_ROOT``. Never served to anyone."""

    class Origin(models.TextChoices):
        UPLOAD = "upload", _("fichier déposé")
        PATH = "path", _("fichier du serveur")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        PARQUET = "parquet", "Parquet"

    table = models.ForeignKey(
        "catalogue.Table",
        verbose_name=_("table"),
        on_delete=models.CASCADE,
        related_name="data_files",
    )
    origin = models.CharField(_("origine"), max_length=8, choices=Origin.choices)
    # Relative to PRIVATE_ROOT (uploads) or DATA_ROOT (server files): the roots are
    # settings, so the same row works for the web server and the workers.
    location = models.CharField(_("emplacement"), max_length=1000)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    size = models.BigIntegerField(_("taille (octets)"))
    reference_date = models.DateField(
        _("date de référence des données"),
        null=True,
        blank=True,
        help_text=_(
            "Fin de la période couverte par le fichier : les âges y sont calculés. Vide : "
            "fin de la couverture de la base (31 décembre de sa dernière année)."
        ),
    )
    created_by = optional_link(settings.AUTH_USER_MODEL, _("ajouté par"))
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("fichier de données")
        verbose_name_plural = _("fichiers de données")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.table.name} — {self.original_name}"

    @property
    def root(self) -> Path:
        return Path(
            settings.PRIVATE_ROOT if self.origin == self.Origin.UPLOAD else settings.DATA_ROOT
        )

    @property
    def absolute_path(self) -> Path:
        return self.root / self.location


class CuratorRule(models.Model):
    """The plausibility rules a curator adds to one variable (all optional)."""

    variable = models.OneToOneField(
        "catalogue.Variable",
        verbose_name=_("variable"),
        on_delete=models.CASCADE,
        related_name="curator_rule",
    )
    minimum = models.CharField(
        _("minimum"),
        max_length=32,
        blank=True,
        help_text=_("Un nombre, ou une date AAAA-MM-JJ pour une variable date."),
    )
    maximum = models.CharField(
        _("maximum"),
        max_length=32,
        blank=True,
        help_text=_("Un nombre, ou une date AAAA-MM-JJ pour une variable date."),
    )
    pattern = models.CharField(
        _("motif (expression régulière)"),
        max_length=500,
        blank=True,
        help_text=_("La valeur entière doit correspondre, ex. [0-9]{2}[AB]?"),
    )
    allowed = models.JSONField(
        _("valeurs admises"), default=list, blank=True, help_text=_("Liste de codes admis.")
    )
    expected_completeness = models.FloatField(
        _("complétude attendue (%)"),
        null=True,
        blank=True,
        help_text=_(
            "Part des lignes où la variable doit être renseignée, de 0 à 100. Vide : selon "
            "le type (une date de décès est surtout vide, une colonne facultative peut l'être, "
            "les autres doivent être remplies)."
        ),
    )
    updated_by = optional_link(settings.AUTH_USER_MODEL, _("modifiée par"))
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("règle de plausibilité")
        verbose_name_plural = _("règles de plausibilité")
        ordering = ["variable"]

    def __str__(self) -> str:
        return str(self.variable)

    @property
    def is_empty(self) -> bool:
        return not (
            self.minimum
            or self.maximum
            or self.pattern
            or self.allowed
            or self.expected_completeness is not None
        )


class ProfilingRun(models.Model):
    """One profiling of a table (every run is kept: the history of its quality)."""

    table = models.ForeignKey(
        "catalogue.Table",
        verbose_name=_("table"),
        on_delete=models.CASCADE,
        related_name="profiling_runs",
    )
    data_file = models.ForeignKey(
        DataFile,
        verbose_name=_("fichier"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    job = models.OneToOneField("portal.Job", on_delete=models.PROTECT, related_name="profiling_run")
    created_by = optional_link(settings.AUTH_USER_MODEL, _("lancé par"))
    created_at = models.DateTimeField(_("lancé le"), auto_now_add=True, db_index=True)
    # --- published results (empty until the run succeeds; a failed run keeps none)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, db_index=True)
    small_cell_threshold = models.PositiveSmallIntegerField(_("seuil de secret"), null=True)
    rows_count = models.CharField(_("lignes"), max_length=32, blank=True)  # "1234" or "< 10"
    conformance = models.FloatField(_("conformité"), null=True, blank=True)
    completeness = models.FloatField(_("complétude"), null=True, blank=True)
    plausibility = models.FloatField(_("plausibilité"), null=True, blank=True)
    overall = models.FloatField(_("score global"), null=True, blank=True)
    grade = models.CharField(_("note"), max_length=1, blank=True)
    # publishable() output without its "variables" (they are VariableResult rows)
    result = models.JSONField(_("résultat publié"), null=True, blank=True)
    duration_s = models.FloatField(_("durée (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("profilage")
        verbose_name_plural = _("profilages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["table", "-published_at"])]

    def __str__(self) -> str:
        return f"{self.table.database.acronym}/{self.table.name} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("quality:run", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def scores(self) -> dict:
        return {
            "conformance": self.conformance,
            "completeness": self.completeness,
            "plausibility": self.plausibility,
            "overall": self.overall,
            "grade": self.grade or None,
        }


class VariableResult(models.Model):
    """The published profile of one variable in one run (one row per run: history)."""

    run = models.ForeignKey(ProfilingRun, on_delete=models.CASCADE, related_name="variable_results")
    variable = models.ForeignKey(
        "catalogue.Variable",
        null=True,
        on_delete=models.SET_NULL,
        related_name="quality_results",
    )
    name = models.CharField(_("nom"), max_length=128)
    position = models.PositiveIntegerField(_("rang"), default=0)
    # Published shares as numbers (a bound such as "> 99.0 %" gives its bound), for charts.
    completeness_pct = models.FloatField(_("complétude (%)"), null=True, blank=True)
    conformance_pct = models.FloatField(_("conformité (%)"), null=True, blank=True)
    plausibility_pct = models.FloatField(_("plausibilité (%)"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    grade = models.CharField(_("note"), max_length=1, blank=True)
    data = models.JSONField(_("profil publié"))

    class Meta:
        verbose_name = _("profil de variable")
        verbose_name_plural = _("profils de variable")
        ordering = ["run", "position"]
        indexes = [models.Index(fields=["variable", "run"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.run_id})"
