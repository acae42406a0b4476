"""The metadata catalogue: databases → tables → variables, nomenclatures, join keys.

Counts (tables of a database, variables of a table, values of a nomenclature) are never
stored: selectors annotate them from the rows. Profiling (statistics, quality) is added by
its own models later; these stay about descriptions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.fields import optional_link

from .tableschema import FIELD_TYPES

# Documentation links are shown as <a href>: http(s) only, never javascript: or data:.
_HTTP_URL = URLValidator(schemes=["http", "https"])


class Database(models.Model):
    class UpdateFrequency(models.TextChoices):
        CONTINUOUS = "continuous", _("en continu")
        DAILY = "daily", _("quotidienne")
        WEEKLY = "weekly", _("hebdomadaire")
        MONTHLY = "monthly", _("mensuelle")
        QUARTERLY = "quarterly", _("trimestrielle")
        ANNUAL = "annual", _("annuelle")
        IRREGULAR = "irregular", _("irrégulière")
        NEVER = "never", _("figée")

    acronym = models.SlugField(_("sigle"), max_length=64, unique=True, allow_unicode=True)
    name = models.CharField(_("nom"), max_length=255)
    # A demonstration output (an OMOP conversion of a generated extract): shown marked as such.
    synthetic = models.BooleanField(_("jeu synthétique de démonstration"), default=False)
    description = models.TextField(_("description"), blank=True)
    producer = models.CharField(
        _("responsable de traitement / producteur"), max_length=255, blank=True
    )
    contact = models.CharField(_("contact"), max_length=255, blank=True)
    themes = models.CharField(
        _("thèmes"), max_length=500, blank=True, help_text=_("Séparés par des virgules.")
    )
    keywords = models.CharField(
        _("mots-clés"), max_length=500, blank=True, help_text=_("Séparés par des virgules.")
    )
    population = models.TextField(_("population couverte"), blank=True)
    coverage_start = models.PositiveSmallIntegerField(_("première année"), null=True, blank=True)
    coverage_end = models.PositiveSmallIntegerField(_("dernière année"), null=True, blank=True)
    update_frequency = models.CharField(
        _("fréquence de mise à jour"), max_length=16, choices=UpdateFrequency.choices, blank=True
    )
    access = models.TextField(
        _("modalités d'accès"),
        blank=True,
        help_text=_("Comment accéder aux données (procédure d'accès, conditions)."),
    )
    licence = models.CharField(_("licence"), max_length=255, blank=True)
    documentation = models.TextField(
        _("documentation"), blank=True, help_text=_("Une adresse (URL) par ligne.")
    )
    quality_protocols = models.TextField(_("protocoles qualité"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("base de données")
        verbose_name_plural = _("bases de données")
        ordering = ["acronym"]

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return reverse("catalogue:database", args=[self.acronym])

    @property
    def theme_list(self) -> list[str]:
        return [t.strip() for t in self.themes.split(",") if t.strip()]

    @property
    def keyword_list(self) -> list[str]:
        return [t.strip() for t in self.keywords.split(",") if t.strip()]

    def clean(self) -> None:
        super().clean()
        for line in self.documentation.splitlines():
            if line.strip():
                try:
                    _HTTP_URL(line.strip())
                except ValidationError:
                    raise ValidationError(
                        {
                            "documentation": _(
                                "« %(link)s » n'est pas une adresse http(s) : seules les "
                                "adresses http:// et https:// sont acceptées, une par ligne."
                            )
                            % {"link": line.strip()[:100]}
                        }
                    ) from None

    @property
    def documentation_links(self) -> list[str]:
        """The http(s) links only: rows stored before the rule never reach an href."""
        links = [line.strip() for line in self.documentation.splitlines() if line.strip()]
        return [link for link in links if link.lower().startswith(("http://", "https://"))]


# A name that is a segment of its page's address (/catalogue/b/<base>/<table>/<variable>/,
# /catalogue/nomenclatures/<name>/): with a "/" the page had no address, and saving failed.
path_segment = RegexValidator(
    r"/", inverse_match=True,
    message=_("Un nom ne peut pas contenir « / » : il fait partie de l'adresse de sa page."),
)  # fmt: skip


class Table(models.Model):
    database = models.ForeignKey(
        Database, verbose_name=_("base"), on_delete=models.CASCADE, related_name="tables"
    )
    product = models.CharField(
        _("produit"), max_length=100, blank=True, db_index=True, validators=[path_segment]
    )
    name = models.CharField(_("nom"), max_length=128, validators=[path_segment])
    title = models.CharField(_("intitulé"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    scope = models.TextField(_("champ"), blank=True)
    row_count = models.BigIntegerField(_("nombre de lignes"), null=True, blank=True)
    primary_key = models.JSONField(_("clé primaire"), default=list, blank=True)
    created = models.CharField(_("créée le"), max_length=32, blank=True)
    deleted = models.CharField(_("supprimée le"), max_length=32, blank=True)
    date_missing = models.JSONField(_("périodes manquantes"), default=list, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    missing_values = models.JSONField(_("valeurs manquantes"), default=list, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["database", "product", "name"]
        constraints = [
            models.UniqueConstraint(fields=["database", "name"], name="catalogue_table_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:table", args=[self.database.acronym, self.name])


class Nomenclature(models.Model):
    name = models.CharField(_("nom"), max_length=128, unique=True, validators=[path_segment])
    title = models.CharField(_("intitulé"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    fields = models.JSONField(_("colonnes"), default=list, blank=True)
    primary_key = models.JSONField(_("clé primaire"), default=list, blank=True)
    code_field = models.CharField(_("colonne du code"), max_length=128, blank=True)
    label_field = models.CharField(_("colonne du libellé"), max_length=128, blank=True)
    values_digest = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["values_digest"])

    class Meta:
        verbose_name = _("nomenclature")
        verbose_name_plural = _("nomenclatures")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:nomenclature", args=[self.name])

    @property
    def extra_columns(self) -> list[str]:
        return [
            f["name"] for f in self.fields if f["name"] not in (self.code_field, self.label_field)
        ]


class NomenclatureValue(models.Model):
    """One row of a nomenclature. Not versioned one by one: an import replaces them all."""

    nomenclature = models.ForeignKey(Nomenclature, on_delete=models.CASCADE, related_name="values")
    position = models.PositiveIntegerField(_("rang"))
    code = models.CharField(_("code"), max_length=255)
    label = models.TextField(_("libellé"), blank=True)
    extra = models.JSONField(_("autres colonnes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("valeur de nomenclature")
        verbose_name_plural = _("valeurs de nomenclature")
        ordering = ["nomenclature", "position"]
        indexes = [models.Index(fields=["nomenclature", "code"])]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


VARIABLE_TYPES = [(t, t) for t in sorted(FIELD_TYPES)]


class Variable(models.Model):
    table = models.ForeignKey(
        Table, verbose_name=_("table"), on_delete=models.CASCADE, related_name="variables"
    )
    position = models.PositiveIntegerField(_("rang"), default=0)
    name = models.CharField(_("nom"), max_length=128, validators=[path_segment])
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=16, choices=VARIABLE_TYPES, default="string")
    length = models.CharField(_("longueur"), max_length=32, blank=True)
    format = models.CharField(_("format"), max_length=64, blank=True, default="default")
    nomenclature = optional_link(Nomenclature, _("nomenclature"), related_name="variables")
    nomenclature_ref = models.CharField(
        _("nomenclature (référence)"),
        max_length=255,
        blank=True,
        help_text=_("Telle qu'écrite dans le schéma, ex. IR_BER_V:BEN_RNG_GEM."),
    )
    created = models.CharField(_("créée le"), max_length=32, blank=True)
    deleted = models.CharField(_("supprimée le"), max_length=32, blank=True)
    date_missing = models.JSONField(_("périodes manquantes"), default=list, blank=True)
    observations = models.TextField(_("observations"), blank=True)
    management_rules = models.TextField(_("règles de gestion"), blank=True)
    unit = models.CharField(_("unité"), max_length=64, blank=True)
    oracle_type = models.CharField(_("type Oracle"), max_length=32, blank=True)
    constraints = models.JSONField(_("contraintes"), default=dict, blank=True)
    extra = models.JSONField(_("autres attributs"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("variable")
        verbose_name_plural = _("variables")
        ordering = ["table", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["table", "name"], name="catalogue_variable_unique")
        ]

    def __str__(self) -> str:
        return f"{self.table.name}.{self.name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "catalogue:variable", args=[self.table.database.acronym, self.table.name, self.name]
        )


class JoinKey(models.Model):
    """A foreign key: columns of one table → columns of another (composite, renamed or not).

    ``to_table`` stays empty while the referenced table is not in the catalogue: the key is
    kept (``to_table_name``) and shown as unresolved; importing that table resolves it.
    """

    from_table = models.ForeignKey(
        Table, verbose_name=_("table source"), on_delete=models.CASCADE, related_name="keys_out"
    )
    from_columns = models.JSONField(_("colonnes source"))
    to_table = optional_link(Table, _("table cible"), related_name="keys_in")
    to_table_name = models.CharField(_("nom de la table cible"), max_length=128)
    to_columns = models.JSONField(_("colonnes cible"))
    signature = models.CharField(max_length=1000, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clé de jointure")
        verbose_name_plural = _("clés de jointure")
        ordering = ["from_table", "signature"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_table", "signature"], name="catalogue_joinkey_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_table.name}({', '.join(self.from_columns)}) → {self.to_label}"

    def save(self, *args, **kwargs):
        self.signature = self.make_signature(self.from_columns, self.to_table_name, self.to_columns)
        super().save(*args, **kwargs)

    @property
    def to_label(self) -> str:
        return f"{self.to_table_name}({', '.join(self.to_columns)})"

    @property
    def resolved(self) -> bool:
        return self.to_table_id is not None

    @property
    def renamed(self) -> bool:
        return list(self.from_columns) != list(self.to_columns)

    @staticmethod
    def make_signature(from_columns, to_table_name: str, to_columns) -> str:
        return f"{','.join(from_columns)}->{to_table_name}:{','.join(to_columns)}"


class ImportRun(models.Model):
    """One import into the catalogue and what it changed."""

    class Kind(models.TextChoices):
        TABLESCHEMA = "tableschema", _("Table Schema")
        DATAPACKAGE = "datapackage", _("Data Package")

    database = optional_link(Database, related_name="imports")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=1000, blank=True)
    created_by = optional_link(settings.AUTH_USER_MODEL, _("lancé par"))
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    summary = models.JSONField(_("résumé"), default=dict, blank=True)
    changes = models.JSONField(_("modifications"), default=list, blank=True)
    unresolved_keys = models.JSONField(_("clés non résolues"), default=list, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    class Meta:
        verbose_name = _("import dans le catalogue")
        verbose_name_plural = _("imports dans le catalogue")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.database or ''} {self.created_at:%Y-%m-%d %H:%M}"


class SearchEntry(models.Model):
    """One searchable thing (database, table, variable, nomenclature or value).

    Kept up to date by :mod:`catalogue.search` (bulk after imports, one row on each edit).
    ``*_norm`` columns hold accent-stripped lower-case text: the same normalisation is
    applied to queries on every backend. On PostgreSQL a GIN index on their weighted
    ``tsvector`` (migration 0002, expression ``catalogue.search.VECTOR_SQL``) serves the
    full-text search; no stored vector column means a bulk insert writes each row once.
    """

    class Kind(models.TextChoices):
        DATABASE = "database", _("base")
        TABLE = "table", _("table")
        VARIABLE = "variable", _("variable")
        NOMENCLATURE = "nomenclature", _("nomenclature")
        VALUE = "value", _("valeur de nomenclature")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # the table of a variable, the nomenclature of a value: lets a re-import drop them all
    group_id = models.BigIntegerField(null=True, blank=True)
    database = models.ForeignKey(
        Database, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    product = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=16, blank=True)
    name = models.CharField(max_length=255)
    title = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    context = models.CharField(max_length=255, blank=True)
    name_norm = models.CharField(max_length=255)
    title_norm = models.TextField(blank=True)
    body_norm = models.TextField(blank=True)
    boost = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="catalogue_search_unique")
        ]
        indexes = [
            models.Index(fields=["name_norm"]),
            models.Index(fields=["kind", "group_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class SearchSynonym(models.Model):
    """Words the search treats as one: the DCIR and the PMSI name the same things differently
    ("hospitalisation" / "séjour", "acte" / "prestation"). One row per group, edited in the
    admin by the catalogue's curators; a query word found in a group also finds the others."""

    terms = models.CharField(
        _("termes équivalents"),
        max_length=500,
        help_text=_("Séparés par des virgules, par exemple : hospitalisation, séjour"),
    )
    note = models.CharField(_("remarque"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("synonyme de recherche")
        verbose_name_plural = _("synonymes de recherche")
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.split(",") if t.strip()]


class SearchWord(models.Model):
    """Every word of the names and titles of the index: what "Vouliez-vous dire …" proposes
    (trigram similarity on PostgreSQL, ``difflib`` on SQLite). Refilled after each indexing."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.word


class PartnerCatalogue(models.Model):
    """Another catalogue (EHDS, TEHDaS partners…) whose DCAT-AP datasets are harvested
    into the "partenaires" section: read-only, attributed, refreshed on a schedule.

    A harvest that fails keeps the previous copy of the datasets and records why
    (``last_error``); the next success clears it.
    """

    class Format(models.TextChoices):
        AUTO = "auto", _("détecter")
        TURTLE = "turtle", "Turtle"
        RDFXML = "xml", "RDF/XML"
        JSONLD = "json-ld", "JSON-LD"

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=64, unique=True)
    homepage = models.URLField(_("site du partenaire"), blank=True)
    url = models.URLField(
        _("adresse du point d'accès DCAT-AP"),
        blank=True,
        max_length=1000,
        help_text=_("Un fichier Turtle, RDF/XML ou JSON-LD servi en HTTP(S)."),
    )
    file_location = models.CharField(
        _("fichier déposé"), max_length=500, blank=True, editable=False
    )  # relative to PRIVATE_ROOT
    format = models.CharField(_("format"), max_length=8, choices=Format.choices, default="auto")
    refresh_hours = models.PositiveIntegerField(_("rafraîchir toutes les (heures)"), default=24)
    active = models.BooleanField(_("actif"), default=True)
    last_harvest_at = models.DateTimeField(_("dernière collecte"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("dernière collecte réussie"), null=True, blank=True)
    last_error = models.TextField(_("erreur de la dernière collecte"), blank=True)
    dataset_count = models.PositiveIntegerField(_("jeux de données"), default=0)
    created_by = optional_link(settings.AUTH_USER_MODEL, _("ajouté par"))
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("catalogue partenaire")
        verbose_name_plural = _("catalogues partenaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:partner", args=[self.slug])

    @property
    def source_label(self) -> str:
        return self.url or _("fichier déposé")


class HarvestedDataset(models.Model):
    """A dataset harvested from a partner catalogue (replaced at each successful harvest)."""

    partner = models.ForeignKey(PartnerCatalogue, on_delete=models.CASCADE, related_name="datasets")
    iri = models.CharField(_("IRI"), max_length=1000)
    identifier = models.CharField(_("identifiant"), max_length=500, blank=True)
    title = models.TextField(_("titre"))
    description = models.TextField(_("description"), blank=True)
    publisher = models.CharField(_("éditeur"), max_length=500, blank=True)
    themes = models.JSONField(_("thèmes"), default=list, blank=True)
    keywords = models.JSONField(_("mots-clés"), default=list, blank=True)
    landing_page = models.URLField(_("page d'origine"), max_length=1000, blank=True)
    access_rights = models.CharField(_("droits d'accès"), max_length=500, blank=True)
    properties = models.JSONField(_("autres propriétés"), default=dict, blank=True)
    title_norm = models.TextField(blank=True, editable=False)
    body_norm = models.TextField(blank=True, editable=False)
    harvested_at = models.DateTimeField(_("collecté le"))

    class Meta:
        verbose_name = _("jeu de données partenaire")
        verbose_name_plural = _("jeux de données partenaires")
        ordering = ["partner", "title"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "iri"], name="catalogue_harvested_unique")
        ]

    def __str__(self) -> str:
        return self.title[:120]

    def get_absolute_url(self) -> str:
        return reverse("catalogue:partner-dataset", args=[self.partner.slug, self.pk])
