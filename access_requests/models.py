"""Project dossiers through the legal access procedure (dépôt → CESREES → CNIL → clos)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from portal.fields import optional_link


class PrivateStorage(FileSystemStorage):
    """Files under ``settings.PRIVATE_ROOT/dossiers``: outside the web root, no public URL.

    The location is read from the settings at each access so that tests (and deployments)
    that move PRIVATE_ROOT are honoured.
    """

    @property
    def base_location(self):
        return os.fspath(settings.PRIVATE_ROOT / "dossiers")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> PrivateStorage:
    return PrivateStorage()


class Route(models.TextChoices):
    STANDARD = "standard", _("Autorisation CNIL (procédure standard)")
    MR004 = "mr004", _("Méthodologie de référence MR-004")
    MR005 = "mr005", _("Méthodologie de référence MR-005")
    MR006 = "mr006", _("Méthodologie de référence MR-006")
    MR007 = "mr007", _("Méthodologie de référence MR-007")
    MR008 = "mr008", _("Méthodologie de référence MR-008")
    EGB = "egb", _("Accès simplifié à l'EGB")


# Routes the law lets skip the CESREES and the CNIL: registered in the public directory.
SIMPLIFIED_ROUTES = frozenset(r for r in Route if r != Route.STANDARD)


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    COMPLETENESS_CHECK = "completeness_check", _("Vérification de complétude")
    COMPLEMENTS_REQUESTED = "complements_requested", _("Compléments demandés")
    ADMISSIBLE = "admissible", _("Recevable")
    REGISTERED = "registered", _("Enregistré au répertoire (procédure simplifiée)")
    SENT_TO_CESREES = "sent_to_cesrees", _("Transmis au CESREES")
    CESREES_REVIEW = "cesrees_review", _("En examen au CESREES")
    CESREES_OPINION = "cesrees_opinion", _("Avis du CESREES rendu")
    IN_CORRECTION = "in_correction", _("En correction par le porteur")
    CNIL_REVIEW = "cnil_review", _("En instruction à la CNIL")
    AUTHORISED = "authorised", _("Autorisé")
    REFUSED = "refused", _("Refusé")
    CLOSED_WITHOUT_ACTION = "closed_without_action", _("Classé sans suite")
    AGREEMENT_SIGNED = "agreement_signed", _("Convention signée")
    DATA_AVAILABLE = "data_available", _("Données mises à disposition")
    IN_PROGRESS = "in_progress", _("Projet en cours")
    CLOSED = "closed", _("Clos")
    WITHDRAWN = "withdrawn", _("Retiré")
    REDIRECTED = "redirected", _("Réorienté")


S = Status
# The states from which a dossier may be withdrawn or redirected.
OPEN_STATES = [
    S.SUBMITTED,
    S.COMPLETENESS_CHECK,
    S.COMPLEMENTS_REQUESTED,
    S.ADMISSIBLE,
    S.SENT_TO_CESREES,
    S.CESREES_REVIEW,
    S.CESREES_OPINION,
    S.IN_CORRECTION,
    S.CNIL_REVIEW,
]
# "projets" follows dossiers from the authorisation (or registration) onwards.
FOLLOWED_STATES = [
    S.AUTHORISED,
    S.REGISTERED,
    S.AGREEMENT_SIGNED,
    S.DATA_AVAILABLE,
    S.IN_PROGRESS,
    S.CLOSED,
]
TERMINAL_STATES = [
    S.REFUSED,
    S.CLOSED_WITHOUT_ACTION,
    S.CLOSED,
    S.WITHDRAWN,
    S.REDIRECTED,
]


# What the porteur writes (the services accept only these).
CONTENT_FIELDS = [
    "title",
    "public_summary",
    "objectives",
    "methods",
    "public_interest",
    "expected_results",
    "route",
    "data_controller",
    "study_start",
    "study_end",
    "population",
    "duration_months",
    "funding",
    "interest_declarations",
]
# What the procedure decides (only the transitions write these).
DECISION_FIELDS = ["status", "cesrees_opinion", "cnil_decision", "redirected_to"]
KEY_DATE_FIELDS = [
    "submitted_on",
    "admissible_on",
    "cesrees_sent_on",
    "cesrees_opinion_on",
    "cnil_sent_on",
    "cnil_decision_on",
    "closed_on",
    "due_on",
]


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    FAVOURABLE_WITH_RECOMMENDATIONS = "favourable_reco", _("Favorable avec recommandations")
    RESERVED = "reserved", _("Réservé")
    UNFAVOURABLE = "unfavourable", _("Défavorable")
    TACIT = "tacit", _("Favorable tacite (délai d'un mois écoulé)")


class CnilDecision(models.TextChoices):
    AUTHORISED = "authorised", _("Autorisation")
    REFUSED = "refused", _("Refus")
    CLOSED_WITHOUT_ACTION = "closed_without_action", _("Classement sans suite")


def _simplified(dossier: Dossier) -> bool:
    return dossier.route in SIMPLIFIED_ROUTES


class Dossier(FSMModelMixin, models.Model):
    """A project's access dossier. ``status`` only changes through the transitions below,
    which the services in ``services.py`` call after checking who acts."""

    reference = models.CharField(_("référence"), max_length=20, unique=True)
    title = models.CharField(_("titre"), max_length=300)
    public_summary = models.TextField(_("résumé public"), blank=True)
    objectives = models.TextField(_("objectifs"), blank=True)
    methods = models.TextField(_("méthodes"), blank=True)
    public_interest = models.TextField(_("intérêt public"), blank=True)
    expected_results = models.TextField(_("résultats attendus"), blank=True)
    route = models.CharField(
        _("procédure"), max_length=16, choices=Route.choices, default=Route.STANDARD
    )
    data_controller = models.CharField(_("responsable de traitement"), max_length=300, blank=True)
    # Dossiers are legal records: never deleted, archived with a reason (services).
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True, editable=False)
    archive_reason = models.TextField(_("motif de l'archivage"), blank=True, editable=False)
    archived_by = optional_link(settings.AUTH_USER_MODEL, _("archivé par"), editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("porteur de projet"),
        on_delete=models.PROTECT,
        related_name="dossiers_led",
    )
    study_start = models.DateField(_("début de la période d'étude"), null=True, blank=True)
    study_end = models.DateField(_("fin de la période d'étude"), null=True, blank=True)
    population = models.TextField(_("population étudiée"), blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("durée du projet (mois)"), null=True, blank=True
    )
    funding = models.TextField(_("financement"), blank=True)
    interest_declarations = models.TextField(_("déclarations d'intérêts"), blank=True)
    results_summary = models.TextField(_("résultats publiés"), blank=True)
    results_published_on = models.DateField(
        _("date de publication des résultats"), null=True, blank=True
    )

    status = FSMField(
        _("statut"), max_length=32, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    cesrees_opinion = models.CharField(
        _("avis du CESREES"), max_length=20, choices=Opinion.choices, blank=True
    )
    cnil_decision = models.CharField(
        _("décision de la CNIL"), max_length=24, choices=CnilDecision.choices, blank=True
    )
    redirected_to = models.CharField(
        _("réorienté vers"), max_length=16, choices=Route.choices, blank=True
    )
    redirected_from = models.OneToOneField(
        "self",
        verbose_name=_("issu de la réorientation de"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redirected_as",
    )
    cnil_renewals = models.PositiveSmallIntegerField(_("prolongations CNIL"), default=0)
    # The committee's reasons and recommendations (required for "Réservé" and "Défavorable"),
    # shown to the team with the opinion.
    cesrees_reasons = models.TextField(_("motifs de l'avis du CESREES"), blank=True)
    cesrees_recommendations = models.TextField(_("recommandations du CESREES"), blank=True)

    # Follow-up of an authorised project (Direction projets et services utilisateurs).
    authorisation_expires_on = models.DateField(
        _("fin de validité de l'autorisation"), null=True, blank=True
    )
    agreement_signed_on = models.DateField(_("date de la convention"), null=True, blank=True)
    data_delivered_on = models.DateField(
        _("date de mise à disposition des données"), null=True, blank=True
    )
    workspace = models.CharField(_("espace projet"), max_length=200, blank=True)
    results_due_on = models.DateField(_("résultats attendus le"), null=True, blank=True)
    results_url = models.URLField(_("lien vers les résultats"), max_length=500, blank=True)
    # When the reminders were sent (one reminder per date, not one per day).
    expiry_reminded_on = models.DateField(null=True, blank=True, editable=False)
    results_reminded_on = models.DateField(null=True, blank=True, editable=False)

    # Key dates (for the directory, the dashboards and the median durations).
    submitted_on = models.DateField(_("date de dépôt"), null=True, blank=True)
    admissible_on = models.DateField(_("date de recevabilité"), null=True, blank=True)
    cesrees_sent_on = models.DateField(_("date de saisine du CESREES"), null=True, blank=True)
    cesrees_opinion_on = models.DateField(_("date de l'avis du CESREES"), null=True, blank=True)
    cnil_sent_on = models.DateField(_("date de saisine de la CNIL"), null=True, blank=True)
    cnil_decision_on = models.DateField(_("date de la décision CNIL"), null=True, blank=True)
    closed_on = models.DateField(_("date de clôture"), null=True, blank=True)
    # The deadline of the current step (None when no legal deadline runs).
    due_on = models.DateField(_("échéance"), null=True, blank=True, db_index=True)

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("access_requests:detail", args=[self.reference])

    @property
    def is_simplified(self) -> bool:
        return _simplified(self)

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return bool(self.due_on and self.due_on < today)

    # The django-fsm transitions that guard ``status`` (submit, start_check, …) are made from
    # the procedure's one declaration, access_requests/services/workflow.py (fsm_transitions),
    # when the app is ready: sources, target and the conditions the services refuse with.


class TeamMember(models.Model):
    class Role(models.TextChoices):
        CO_LEADER = "co_leader", _("Co-porteur")
        MEMBER = "member", _("Membre de l'équipe")
        READ_ONLY = "read_only", _("Lecture seule")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dossier_memberships"
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    added_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("membres de l'équipe")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "user"], name="team_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class RequestedData(models.Model):
    """One database or table the project asks for, with its justification."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requested_data")
    database = optional_link(
        "catalogue.Database", _("base du catalogue"), related_name="requested_by"
    )
    table = optional_link("catalogue.Table", _("table du catalogue"), related_name="requested_by")
    label = models.CharField(
        _("données demandées"),
        max_length=300,
        blank=True,
        help_text=_("Base ou table, quand elle n'est pas (encore) au catalogue."),
    )
    justification = models.TextField(_("justification"))
    variables = models.ManyToManyField(
        "catalogue.Variable",
        verbose_name=_("variables demandées"),
        blank=True,
        related_name="requested_by",
    )
    study_start = models.DateField(_("début de la période demandée"), null=True, blank=True)
    study_end = models.DateField(_("fin de la période demandée"), null=True, blank=True)
    code_list_version = models.ForeignKey(
        "codelists.CodeListVersion",
        verbose_name=_("liste de codes (version)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_data",
    )
    # Codes written by hand, beside (or instead of) a versioned code list.
    codes = models.TextField(
        _("codes (médicaments, diagnostics, actes)"),
        blank=True,
        help_text=_("Un code par ligne, avec sa nomenclature : CIM-10 I63, CCAM EBLA003…"),
    )

    class Meta:
        verbose_name = _("donnée demandée")
        verbose_name_plural = _("données demandées")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.table_id:
            return f"{self.table.database.acronym} — {self.table.name}"
        if self.database_id:
            return f"{self.database.acronym} — {self.database.name}"
        return self.label

    @cached_property
    def code_list(self) -> list[str]:
        return [line.strip() for line in self.codes.splitlines() if line.strip()]

    @property
    def catalogue_url(self) -> str:
        """The catalogue page of the requested database or table ("" when described only)."""
        target = self.table if self.table_id else self.database
        return target.get_absolute_url() if target is not None else ""


class Document(models.Model):
    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("Protocole")
        IMPACT_ASSESSMENT = "impact_assessment", _("Analyse d'impact (AIPD)")
        INTEREST_DECLARATIONS = "interest_declarations", _("Déclarations d'intérêts")
        CV = "cv", _("CV")
        COMMITMENT_LETTER = "commitment_letter", _("Lettre d'engagement")
        OTHER = "other", _("Autre")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("fichier"), upload_to="%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind", "version"], name="document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} — {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("access_requests:document-download", args=[self.dossier.reference, self.pk])


class HistoryEntry(models.Model):
    """One step of the procedure, with the comment of whoever made it (shown to the team)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("date"), auto_now_add=True)
    actor = optional_link(settings.AUTH_USER_MODEL)
    transition = models.CharField(_("étape"), max_length=40)
    from_status = models.CharField(_("statut avant"), max_length=32, choices=Status.choices)
    to_status = models.CharField(_("statut après"), max_length=32, choices=Status.choices)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("étape de l'historique")
        verbose_name_plural = _("historique")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier.reference}: {self.from_status} → {self.to_status}"


class Message(models.Model):
    class Kind(models.TextChoices):
        THREAD = "thread", _("Échange avec le porteur")
        INTERNAL = "internal", _("Note interne")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.THREAD)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier.reference} — {self.author}: {self.body[:40]}"


class ComplementRequest(models.Model):
    """What the guichet needs before the dossier is complete, and the porteur's answer."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="complements")
    items = models.TextField(_("éléments demandés"), help_text=_("Un élément par ligne."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    answer = models.TextField(_("réponse"), blank=True)
    answered_by = optional_link(settings.AUTH_USER_MODEL)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    # The porteur's deadline to answer (the guichet's clock stops meanwhile).
    due_on = models.DateField(_("réponse attendue avant le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de compléments")
        verbose_name_plural = _("demandes de compléments")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier.reference}: {self.items[:40]}"

    @cached_property
    def item_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.items.splitlines() if line.strip(" -•\t")]


class RapporteurAssignment(models.Model):
    """A CESREES rapporteur on a dossier; the report stays internal (guichet, admins, author)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="assignments")
    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cesrees_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("désigné le"), auto_now_add=True)
    report = models.TextField(_("rapport"), blank=True)
    recommended_opinion = models.CharField(
        _("avis proposé"), max_length=20, choices=Opinion.choices, blank=True
    )
    report_filed_at = models.DateTimeField(_("rapport déposé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rapporteur")
        verbose_name_plural = _("rapporteurs")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "rapporteur"], name="rapporteur_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier.reference}: {self.rapporteur}"


class MessageRead(models.Model):
    """Up to when one user has read the messages of one dossier (unread counts are per user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dossier_reads"
    )
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(_("lu jusqu'au"))

    class Meta:
        verbose_name = _("lecture des messages")
        verbose_name_plural = _("lectures des messages")
        constraints = [
            models.UniqueConstraint(fields=["user", "dossier"], name="message_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.dossier.reference}: {self.read_at:%d/%m/%Y %H:%M}"


class ConflictOfInterest(models.Model):
    """An organisation a CESREES rapporteur declared links with (shown in the picker)."""

    rapporteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporteur"),
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
    )
    organisation = models.CharField(_("organisme"), max_length=300)
    details = models.TextField(_("nature du lien"), blank=True)
    declared_on = models.DateField(_("déclaré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflit d'intérêts déclaré")
        verbose_name_plural = _("conflits d'intérêts déclarés")
        ordering = ["organisation", "id"]

    def __str__(self) -> str:
        return f"{self.rapporteur}: {self.organisation}"

    def concerns(self, dossier: Dossier) -> bool:
        """The declared organisation is the dossier's data controller (case-insensitive)."""
        mine = self.organisation.strip().casefold()
        theirs = (dossier.data_controller or "").strip().casefold()
        return bool(mine and theirs) and (mine in theirs or theirs in mine)
