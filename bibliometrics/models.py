"""The SNDS publication corpus: publications, authors, affiliations and what enriches them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.fields import optional_link

from .enrichment import ACTOR_TYPES


class ActorType(models.TextChoices):
    ACADEMIC = "academic", _("Université ou institut de recherche")
    HOSPITAL = "hospital", _("Établissement de santé")
    AGENCY = "agency", _("Agence ou administration publique")
    INDUSTRY = "industry", _("Industrie, CRO, conseil")
    OTHER = "other", _("Autre")


assert {c.value for c in ActorType} == set(ACTOR_TYPES)


class SndsComponent(models.Model):
    """A component of the SNDS (DCIR, PMSI MCO…), linked to the catalogue by its code."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    catalogue_code = models.CharField(
        _("code de la base au catalogue"),
        max_length=64,
        blank=True,
        help_text=_("Nom de la base correspondante dans le catalogue, quand elle existe."),
    )

    class Meta:
        verbose_name = _("composante du SNDS")
        verbose_name_plural = _("composantes du SNDS")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def catalogue_database(self):
        """The catalogue database with this code, when the catalogue has one."""
        from django.apps import apps

        if not self.catalogue_code:
            return None
        try:
            model = apps.get_model("catalogue", "Database")
        except LookupError:
            return None
        field_names = {f.name for f in model._meta.get_fields()}
        for field in ("acronym", "code", "name"):
            if field in field_names:
                return model.objects.filter(**{f"{field}__iexact": self.catalogue_code}).first()
        return None


class TherapeuticArea(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        verbose_name = _("domaine thérapeutique")
        verbose_name_plural = _("domaines thérapeutiques")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Topic(models.Model):
    """A topic of the last TF-IDF + NMF run, labelled by its top terms."""

    index = models.PositiveSmallIntegerField(_("rang"))
    label = models.CharField(_("libellé"), max_length=200)
    terms = models.JSONField(_("termes principaux"), default=list)
    # {"fr": "…", "en": "…"}: the label in each language of the site
    labels = models.JSONField(_("libellés par langue"), default=dict, blank=True)
    created_at = models.DateTimeField(_("calculé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("thème (topic)")
        verbose_name_plural = _("thèmes (topics)")
        ordering = ["index"]

    def __str__(self) -> str:
        return self.label_in()

    def label_in(self, language: str | None = None) -> str:
        """The label in ``language`` (the active one by default), else the stored label."""
        from django.utils.translation import get_language

        language = (language or get_language() or "fr")[:2]
        return (self.labels or {}).get(language) or self.label


class Author(models.Model):
    """An author, merged on ORCID when known, else on the normalised name ("dupont jp")."""

    key = models.CharField(_("clé"), max_length=255, unique=True)
    name = models.CharField(_("nom normalisé"), max_length=255, db_index=True)
    display_name = models.CharField(_("nom"), max_length=255)
    orcid = models.CharField(_("ORCID"), max_length=19, blank=True, db_index=True)

    class Meta:
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name


class Affiliation(models.Model):
    """One affiliation text as published, with what the rules (or a curator) made of it."""

    raw_hash = models.CharField(max_length=40, unique=True, editable=False)
    raw_text = models.TextField(_("texte brut"))
    institution = models.CharField(_("établissement"), max_length=255, blank=True, db_index=True)
    city = models.CharField(_("ville"), max_length=100, blank=True, db_index=True)
    country = models.CharField(_("pays"), max_length=100, blank=True, db_index=True)
    actor_type = models.CharField(
        _("type d'acteur"),
        max_length=16,
        choices=ActorType.choices,
        default=ActorType.OTHER,
        db_index=True,
    )
    # Every type the affiliation names ("Inserm UMR 1229, CHU de Nantes": academic and
    # hospital); ``actor_type`` is the first of them.
    actor_types = models.JSONField(_("types d'acteur"), default=list, blank=True)
    # The text without e-mail, spacing or case: a curator's correction applies to every
    # affiliation with the same key, in every record, now and in later imports.
    norm_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    curated = models.BooleanField(
        _("corrigée à la main"),
        default=False,
        help_text=_("Les règles ne la reclassent plus."),
    )

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["institution"]

    def __str__(self) -> str:
        return self.institution or self.raw_text[:80]


class Publication(models.Model):
    pmid = models.CharField(_("PMID"), max_length=12, unique=True, null=True, blank=True)
    # Not unique: two PubMed records (two PMIDs) may share one DOI, and stay two publications.
    doi = models.CharField(_("DOI"), max_length=255, null=True, blank=True, db_index=True)
    hal_id = models.CharField(_("identifiant HAL"), max_length=64, blank=True, db_index=True)
    title = models.TextField(_("titre"))
    title_key = models.CharField(_("titre normalisé"), max_length=255, db_index=True)
    abstract = models.TextField(_("résumé"), blank=True)
    journal = models.CharField(_("revue"), max_length=255, blank=True, db_index=True)
    issn = models.CharField(_("ISSN"), max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True, db_index=True)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("langue"), max_length=32, blank=True)
    pub_type = models.CharField(_("type"), max_length=100, blank=True)
    keywords = models.JSONField(_("mots-clés"), default=list, blank=True)
    mesh_terms = models.JSONField(_("termes MeSH"), default=list, blank=True)
    citation_count = models.PositiveIntegerField(_("citations"), null=True, blank=True)
    source = models.CharField(_("format d'origine"), max_length=16, blank=True)
    source_hash = models.CharField(max_length=40, editable=False, blank=True, db_index=True)
    openalex_id = models.CharField(
        _("identifiant OpenAlex"), max_length=32, blank=True, db_index=True
    )
    references = models.JSONField(
        _("références citées (OpenAlex)"), default=list, blank=True, editable=False
    )
    citations_updated_at = models.DateTimeField(
        _("citations mises à jour le"), null=True, blank=True, editable=False
    )
    is_example = models.BooleanField(
        _("exemple"), default=False, help_text=_("Publication fictive du jeu de démonstration.")
    )
    # Enrichment
    relevance_auto = models.BooleanField(_("utilise le SNDS (détection)"), default=False)
    relevance_terms = models.JSONField(_("termes détectés"), default=list, blank=True)
    relevance_reasons = models.JSONField(
        _("motifs de la détection"), default=list, blank=True, editable=False
    )
    model_probability = models.FloatField(
        _("probabilité selon le modèle"), null=True, blank=True, editable=False
    )
    model_explanation = models.JSONField(
        _("mots qui pèsent pour le modèle"), default=list, blank=True, editable=False
    )
    relevance_override = models.BooleanField(
        _("utilise le SNDS (décision du curateur)"), null=True, blank=True
    )
    relevance_note = models.CharField(_("motif de la décision"), max_length=255, blank=True)
    relevant = models.BooleanField(_("retenue"), default=False, db_index=True, editable=False)
    components = models.ManyToManyField(
        SndsComponent,
        verbose_name=_("composantes du SNDS"),
        blank=True,
        related_name="publications",
    )
    areas = models.ManyToManyField(
        TherapeuticArea,
        verbose_name=_("domaines thérapeutiques"),
        blank=True,
        related_name="publications",
    )
    topic = optional_link(Topic, _("thème (topic)"), related_name="publications")
    created_at = models.DateTimeField(_("importée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["title_key", "year"])]

    def __str__(self) -> str:
        return self.title[:120]

    def get_absolute_url(self) -> str:
        return reverse("bibliometrics:publication-detail", args=[self.pk])

    @staticmethod
    def decide_relevance(auto: bool, override: bool | None) -> bool:
        return auto if override is None else override


class Authorship(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships"
    )
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="authorships")
    order = models.PositiveSmallIntegerField(_("rang"))
    corresponding = models.BooleanField(_("auteur correspondant"), default=False)
    affiliations = models.ManyToManyField(Affiliation, blank=True, related_name="authorships")

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["publication", "order"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "order"], name="authorship_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.author} #{self.order}"


class ActorRule(models.Model):
    """A rule that gives an affiliation its actor type (first match by priority wins)."""

    pattern = models.CharField(
        _("motif (expression régulière)"),
        max_length=2000,
        help_text=_(
            "Insensible à la casse ; écrivez un sigle sensible à la casse ainsi : (?-i:\\bHAS\\b)."
        ),
    )
    actor_type = models.CharField(_("type d'acteur"), max_length=16, choices=ActorType.choices)
    institution = models.CharField(
        _("établissement normalisé"),
        max_length=255,
        blank=True,
        help_text=_("Vide : l'établissement est lu dans le texte de l'affiliation."),
    )
    priority = models.PositiveSmallIntegerField(_("priorité"), default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("règle de type d'acteur")
        verbose_name_plural = _("règles de type d'acteur")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.get_actor_type_display()} ← {self.pattern[:60]}"


class ImportRun(models.Model):
    """One import of bibliographic files, carried out by a background job."""

    job = models.OneToOneField(
        "portal.Job", on_delete=models.PROTECT, related_name="publication_import"
    )
    files = models.JSONField(_("fichiers"), default=list)
    format = models.CharField(_("format"), max_length=16, default="auto")
    created_by = optional_link(settings.AUTH_USER_MODEL)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    stats = models.JSONField(_("bilan"), default=dict, blank=True)
    saved_query = optional_link("SavedQuery", _("requête enregistrée"), related_name="runs")

    class Meta:
        verbose_name = _("import de publications")
        verbose_name_plural = _("imports de publications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{', '.join(self.files)[:100]} ({self.created_at:%Y-%m-%d %H:%M})"


class IndicatorSnapshot(models.Model):
    """Indicators precomputed after each import, and the compact rows filters work on."""

    created_at = models.DateTimeField(auto_now_add=True)
    publications = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    rows = models.JSONField(default=list)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("instantané des indicateurs")
        verbose_name_plural = _("instantanés des indicateurs")
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({self.publications})"


class MergeKey(models.TextChoices):
    DOI = "doi", _("même DOI")
    TITLE = "title", _("même titre et même année")


class PublicationMerge(models.Model):
    """A record from another source folded into an existing publication, and how to undo it.

    The merged record only fills what the publication lacked (``filled`` keeps the values it
    replaced); undoing restores them and makes the record a publication of its own.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="merges")
    key = models.CharField(_("clé de rapprochement"), max_length=8, choices=MergeKey.choices)
    value = models.CharField(_("valeur commune"), max_length=255)
    source = models.CharField(_("format d'origine"), max_length=16, blank=True)
    origin = models.CharField(_("fichier ou requête"), max_length=255, blank=True)
    record = models.JSONField(_("notice rapprochée"), default=dict)
    record_hash = models.CharField(max_length=40, db_index=True, editable=False)
    filled = models.JSONField(_("champs complétés"), default=dict, blank=True)
    created_at = models.DateTimeField(_("rapprochée le"), auto_now_add=True)
    undone_at = models.DateTimeField(_("séparée le"), null=True, blank=True)
    undone_by = optional_link(settings.AUTH_USER_MODEL)
    split = optional_link(Publication, _("publication séparée"), related_name="split_from")

    class Meta:
        verbose_name = _("rapprochement de notices")
        verbose_name_plural = _("rapprochements de notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.value}"


class AffiliationCorrection(models.Model):
    """A curator's reading of one affiliation text, applied to every record that has it."""

    norm_hash = models.CharField(max_length=40, unique=True, editable=False)
    example = models.TextField(_("texte de l'affiliation"))
    actor_types = models.JSONField(_("types d'acteur"), default=list)
    institution = models.CharField(_("établissement"), max_length=255, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=100, blank=True)
    created_by = optional_link(settings.AUTH_USER_MODEL)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("correction d'affiliation")
        verbose_name_plural = _("corrections d'affiliation")

    def __str__(self) -> str:
        return self.example[:80]


class RelevanceModel(models.Model):
    """A classifier trained on the curators' decisions (the latest one scores the queue)."""

    created_at = models.DateTimeField(_("entraîné le"), auto_now_add=True)
    positives = models.PositiveIntegerField(_("publications retenues"))
    negatives = models.PositiveIntegerField(_("publications écartées"))
    meta = models.JSONField(default=dict, blank=True)
    blob = models.BinaryField(editable=False)
    created_by = optional_link(settings.AUTH_USER_MODEL)

    class Meta:
        verbose_name = _("modèle de pertinence")
        verbose_name_plural = _("modèles de pertinence")
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} (+{self.positives} / -{self.negatives})"


class QuerySource(models.TextChoices):
    PUBMED = "pubmed", _("PubMed (E-utilities)")
    OPENALEX = "openalex", _("OpenAlex")
    HAL = "hal", _("HAL")


class SavedQuery(models.Model):
    """A search at a literature source, refreshed on a schedule and on demand."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=QuerySource.choices)
    query = models.TextField(
        _("requête"),
        help_text=_(
            "PubMed : syntaxe de recherche PubMed ; OpenAlex : filtre (filter=…) ; "
            "HAL : requête q (syntaxe Solr)."
        ),
    )
    active = models.BooleanField(_("rafraîchie automatiquement"), default=True)
    refresh_hours = models.PositiveIntegerField(_("intervalle (heures)"), default=24 * 7)
    max_records = models.PositiveIntegerField(
        _("limite sans confirmation"),
        default=5000,
        help_text=_("Au-delà, l'import attend la confirmation d'un curateur."),
    )
    confirmed_count = models.PositiveIntegerField(
        _("nombre confirmé"), null=True, blank=True, editable=False
    )
    pending_count = models.PositiveIntegerField(
        _("en attente de confirmation"), null=True, blank=True, editable=False
    )
    seen_ids = models.JSONField(default=list, blank=True, editable=False)
    last_refreshed_at = models.DateTimeField(_("dernier rafraîchissement"), null=True, blank=True)
    last_count = models.PositiveIntegerField(_("résultats"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_by = optional_link(settings.AUTH_USER_MODEL)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("requête enregistrée")
        verbose_name_plural = _("requêtes enregistrées")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("bibliometrics:query-detail", args=[self.pk])
