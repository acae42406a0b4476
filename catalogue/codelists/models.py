"""Referential codes, and the versioned code lists built from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .referentials import System

SYSTEM_CHOICES = [
    (System.CIM10, _("CIM-10 (diagnostics)")),
    (System.ATC, _("ATC (classes de médicaments)")),
    (System.CIP13, _("CIP13 (boîtes de médicaments)")),
    (System.CCAM, _("CCAM (actes techniques)")),
    (System.NGAP, _("NGAP (prestations)")),
    (System.NABM, _("NABM (biologie)")),
    (System.LPP, _("LPP (dispositifs)")),
]


class ReferentialCode(models.Model):
    system = models.CharField(_("système"), max_length=8, choices=SYSTEM_CHOICES)
    code = models.CharField(_("code"), max_length=32)
    label = models.CharField(_("libellé"), max_length=500)
    parent = models.CharField(_("code parent"), max_length=32, blank=True, db_index=True)
    level = models.PositiveSmallIntegerField(_("niveau"), default=0)
    search_text = models.TextField(_("texte de recherche"), blank=True)
    extra = models.JSONField(_("autres attributs"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=32)

    class Meta:
        verbose_name = _("code de référentiel")
        verbose_name_plural = _("codes de référentiel")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="unique_referential_code")
        ]
        indexes = [models.Index(fields=["code"]), models.Index(fields=["system", "parent"])]

    def __str__(self) -> str:
        return f"{self.system} {self.code} — {self.label}"


class CodeList(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rationale = models.TextField(_("justification"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="code_lists",
        verbose_name=_("auteur"),
    )  # fmt: skip
    dossier = models.ForeignKey(
        "access_requests.Dossier", null=True, blank=True, on_delete=models.PROTECT,
        related_name="code_lists", verbose_name=_("dossier"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("liste de codes")
        verbose_name_plural = _("listes de codes")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("codelists:detail", args=[self.pk])

    @property
    def latest(self) -> CodeListVersion | None:
        return self.versions.order_by("-number").first()


class CodeListVersion(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("créée par"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("version de liste de codes")
        verbose_name_plural = _("versions de listes de codes")
        ordering = ("code_list", "-number")
        constraints = [
            models.UniqueConstraint(fields=["code_list", "number"], name="unique_code_list_version")
        ]

    def __str__(self) -> str:
        return f"{self.code_list} v{self.number}"


class CodeListItem(models.Model):
    version = models.ForeignKey(CodeListVersion, on_delete=models.CASCADE, related_name="items")
    system = models.CharField(_("système"), max_length=8, choices=SYSTEM_CHOICES)
    code = models.CharField(_("code"), max_length=32)
    include_descendants = models.BooleanField(_("avec les descendants"), default=True)
    excluded = models.BooleanField(_("exclu"), default=False)

    class Meta:
        verbose_name = _("élément de liste de codes")
        verbose_name_plural = _("éléments de listes de codes")
        ordering = ("system", "code")

    def __str__(self) -> str:
        return f"{'-' if self.excluded else '+'}{self.system}:{self.code}{'*' if self.include_descendants else ''}"
