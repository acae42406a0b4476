import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit_actions import AuditAction
from .fields import optional_link


class AuditEntry(models.Model):
    """One state change: who, when, what, before/after. Written only by ``audit_record``."""

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = optional_link(settings.AUTH_USER_MODEL, _("auteur"))
    actor_repr = models.CharField(_("auteur (texte)"), max_length=150, blank=True)
    action = models.CharField(
        _("action"), max_length=100, db_index=True, choices=AuditAction.choices
    )
    target_type = optional_link(ContentType, _("type d'objet"), related_name=None)
    target_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    target_repr = models.CharField(_("objet"), max_length=255, blank=True)
    changes = models.JSONField(_("modifications"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.target_repr}"
        )


class Job(models.Model):
    """A background job, shared by every app (profiling, ETL, imports, …)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("terminé")
        FAILED = "failed", _("échoué")
        CANCELLED = "cancelled", _("annulé")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("type"), max_length=64, db_index=True)
    title = models.CharField(_("intitulé"), max_length=255)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progression (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    log = models.TextField(_("journal"), blank=True)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    created_by = optional_link(settings.AUTH_USER_MODEL, _("lancé par"), related_name="jobs")
    capability = models.CharField(
        _("capacité requise pour le voir"),
        max_length=64,
        blank=True,
        help_text=_("Les détenteurs de cette capacité voient la tâche, en plus de qui l'a lancée."),
    )
    task_name = models.CharField(_("tâche Celery"), max_length=200)
    task_kwargs = models.JSONField(_("paramètres"), default=dict, blank=True)
    retry_of = optional_link("self", _("relance de"), related_name="retries")
    cancel_requested = models.BooleanField(_("annulation demandée"), default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("démarré le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.display_title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("portal:job-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        """The title in the active language (titles are stored as message codes too)."""
        from .messages import message_text

        return message_text(self.title)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ApiToken(models.Model):
    """A personal API token. Only a hash of the key is stored; the key is shown once.

    Tokens expire (sooner for staff), are revoked when their owner's password changes, and
    their owner lists and revokes them (``/comptes/jetons/``, ``/api/auth/tokens/``).
    """

    class RevokedBecause(models.TextChoices):
        OWNER = "owner", _("révoqué par son titulaire")
        PASSWORD_CHANGED = "password_changed", _("mot de passe changé")
        ADMIN = "admin", _("révoqué par un administrateur")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("titulaire"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nom"), max_length=100)
    key_prefix = models.CharField(_("début de la clé"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_because = models.CharField(
        _("motif de la révocation"), max_length=32, choices=RevokedBecause.choices, blank=True
    )

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    def is_active(self, now=None) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and self.expires_at > (now or timezone.now())
