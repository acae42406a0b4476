"""Partner catalogues: register one (an endpoint or a file), harvest it, refresh the due ones.

A harvest replaces the partner's datasets in one transaction, only when the new copy was
fetched and read; otherwise the previous copy stays and ``last_error`` says why.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.actors import actor_user
from portal.audit import audit_record
from portal.jobs import job_enqueue
from portal.messages import coded
from portal.outbound import OutboundRefused, fetch_public, public_address_check
from portal.roles import Capability

from ..harvest import HarvestError, Record, guess_format, parse_catalogue
from ..models import HarvestedDataset, PartnerCatalogue
from ..tableschema import normalize

KIND = "catalogue.partner_harvest"  # declared with its task in catalogue/tasks.py
CAPABILITY = Capability.CATALOGUE_CURATE
MAX_BYTES = 50 * 1024**2
FETCH_TIMEOUT_S = 60


def harvest_error_message(exc: HarvestError) -> str:
    """A harvest error in words, in the active language: a form's refusal words it at once,
    a harvest stores it as a code (:func:`harvest_error_stored`) its page words."""
    p = exc.params
    if exc.code == "empty":
        return _("Le document du partenaire est vide.")
    if exc.code == "format":
        return _("Le document n'est pas du %(format)s lisible : %(detail)s") % {
            "format": {"turtle": "Turtle", "xml": "RDF/XML", "json-ld": "JSON-LD"}.get(
                p.get("format"), p.get("format")
            ),
            "detail": p.get("detail", ""),
        }
    if exc.code == "no_dataset":
        return _("Le document ne décrit aucun jeu de données (dcat:Dataset avec un dct:title).")
    if exc.code == "too_large":
        return _("Le document dépasse %(max)s Mo.") % {"max": MAX_BYTES // 1024**2}
    if exc.code == "file_gone":
        return _("Le point d'accès n'a pas pu être lu : %(detail)s") % {
            "detail": _("le fichier déposé n'est plus sur le serveur")
        }
    if exc.code == "fetch":
        detail = p.get("detail", "")
        if "refused" in p:  # portal.outbound's refusal, by its code
            refusal = {k: v for k, v in p.items() if k != "refused"}
            detail = outbound_refusal_message(OutboundRefused(p["refused"], **refusal))
        return _("Le point d'accès n'a pas pu être lu : %(detail)s") % {"detail": detail}
    return exc.code


def harvest_error_stored(exc: HarvestError) -> str:
    """A harvest error as ``last_error`` keeps it: its code and parameters (a library's
    technical detail among them), worded by :func:`harvest_error_message` when a page shows
    it — the worker that meets it runs in French."""
    return coded("catalogue.harvest_error", reason=exc.code, **exc.params)


def _read_source(partner: PartnerCatalogue) -> bytes:
    if partner.file_location:
        path = Path(settings.PRIVATE_ROOT) / partner.file_location
        if not path.is_file():
            raise HarvestError("file_gone")
        return path.read_bytes()
    try:
        return fetch_public(
            partner.url,
            max_bytes=MAX_BYTES,
            timeout=FETCH_TIMEOUT_S,
            headers={"Accept": "text/turtle, application/rdf+xml, application/ld+json;q=0.9"},
        )
    except OutboundRefused as exc:
        if exc.code == "too_large":
            raise HarvestError("too_large") from exc
        raise HarvestError("fetch", refused=exc.code, **exc.params) from exc


def outbound_refusal_message(exc: OutboundRefused) -> str:
    p = exc.params
    if exc.code == "http":
        return f"HTTP {p['status']}"
    if exc.code == "private":
        return (
            _(
                "%(host)s désigne une adresse non publique (%(address)s) : le portail ne lit que "
                "des adresses publiques."
            )
            % p
        )
    if exc.code == "unresolved":
        return _("le nom %(host)s est inconnu.") % p
    if exc.code == "redirects":
        return _("plus de %(max)s redirections.") % p
    if exc.code == "scheme":
        return _("l'adresse doit commencer par http:// ou https://.")
    return p.get("detail", exc.code)


def _check_document(data: bytes, fmt: str, name: str) -> list[Record]:
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("Le fichier « %(name)s » dépasse %(max)s Mo.")
            % {"name": name, "max": MAX_BYTES // 1024**2}
        )
    try:
        return parse_catalogue(data, None if fmt == "auto" else fmt)
    except HarvestError as exc:
        raise ValidationError(
            _("Le fichier « %(name)s » est refusé : %(why)s")
            % {"name": name, "why": harvest_error_message(exc)}
        ) from exc


def partner_register(
    *,
    by,
    name: str,
    url: str = "",
    upload=None,
    homepage: str = "",
    format: str = "auto",  # noqa: A002 - the field's name
    refresh_hours: int = 24,
) -> PartnerCatalogue:
    """Register a partner catalogue (an HTTP(S) endpoint, or an uploaded file checked by
    its content: it must read as DCAT-AP with at least one dataset). Harvest it next."""
    url = (url or "").strip()
    if bool(url) == bool(upload):
        raise ValidationError(
            _("Indiquez l'adresse d'un point d'accès ou déposez un fichier (un seul).")
        )
    if url and not url.lower().startswith(("http://", "https://")):
        raise ValidationError(_("L'adresse doit commencer par http:// ou https://."))
    if url:
        try:
            public_address_check(url)
        except OutboundRefused as exc:
            raise ValidationError(
                _("Cette adresse est refusée : %(why)s") % {"why": outbound_refusal_message(exc)}
            ) from exc
    if not 1 <= int(refresh_hours) <= 24 * 90:
        raise ValidationError(_("Le rafraîchissement se fait entre 1 heure et 90 jours."))
    if format not in PartnerCatalogue.Format.values:
        raise ValidationError(_("Format inconnu."))
    location, target = "", None
    if upload is not None:
        if (upload.size or 0) > MAX_BYTES:
            raise ValidationError(
                _("Le fichier « %(name)s » dépasse %(max)s Mo.")
                % {"name": Path(upload.name or "catalogue").name, "max": MAX_BYTES // 1024**2}
            )
        data = upload.read()
        _check_document(data, format, Path(upload.name or "catalogue").name)
        fmt = guess_format(data, None if format == "auto" else format)
        location = (
            f"partners/{uuid.uuid4().hex}.{ {'turtle': 'ttl', 'xml': 'rdf'}.get(fmt, 'jsonld') }"
        )
        target = Path(settings.PRIVATE_ROOT) / location
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    base = slugify(name)[:50] or "partenaire"
    slug, n = base, 1
    while PartnerCatalogue.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    try:
        with transaction.atomic():
            partner = PartnerCatalogue.objects.create(
                name=name.strip(),
                slug=slug,
                homepage=homepage,
                url=url,
                file_location=location,
                format=format,
                refresh_hours=int(refresh_hours),
                created_by=actor_user(by),
            )
            audit_record(
                actor=by,
                action="catalogue.partner_register",
                target=partner,
                changes={"name": partner.name, "source": url or location, "format": format},
            )
    except Exception:
        if target is not None:
            target.unlink(missing_ok=True)
        raise
    return partner


def _norm(*parts) -> str:
    return normalize(" ".join(str(p) for p in parts if p))


def partner_harvest(*, partner: PartnerCatalogue, by=None) -> PartnerCatalogue:
    """Fetch and read the partner's catalogue, then replace its datasets (one
    transaction). A failure keeps the previous copy and records why; it is not raised."""
    now = timezone.now()
    try:
        data = _read_source(partner)
        records = parse_catalogue(data, None if partner.format == "auto" else partner.format)
    except HarvestError as exc:
        message = harvest_error_stored(exc)
        with transaction.atomic():
            PartnerCatalogue.objects.filter(pk=partner.pk).update(
                last_harvest_at=now, last_error=message
            )
            audit_record(
                actor=by,
                action="catalogue.partner_harvest_failed",
                target=partner,
                changes={"error": exc.code, "kept": partner.dataset_count},
            )
        partner.refresh_from_db()
        return partner
    rows = {}
    for r in records:
        rows[r.iri] = HarvestedDataset(
            partner=partner,
            iri=r.iri[:1000],
            identifier=r.identifier[:500],
            title=r.title,
            description=r.description,
            publisher=r.publisher[:500],
            themes=r.themes,
            keywords=r.keywords,
            landing_page=r.landing_page[:1000],
            access_rights=r.access_rights[:500],
            properties=r.properties,
            title_norm=_norm(r.title),
            body_norm=_norm(r.description, r.publisher, " ".join(r.keywords), r.identifier),
            harvested_at=now,
        )
    with transaction.atomic():
        before = partner.dataset_count
        partner.datasets.all().delete()
        HarvestedDataset.objects.bulk_create(rows.values())
        PartnerCatalogue.objects.filter(pk=partner.pk).update(
            last_harvest_at=now, last_success_at=now, last_error="", dataset_count=len(rows)
        )
        audit_record(
            actor=by,
            action="catalogue.partner_harvest",
            target=partner,
            changes={"datasets": [before, len(rows)]},
        )
    partner.refresh_from_db()
    return partner


def partner_harvest_start(*, partner: PartnerCatalogue, by=None):
    """Harvest ``partner`` as a background job."""
    return job_enqueue(
        kind=KIND,
        title=coded("catalogue.harvest_title", name=partner.name),
        kwargs={"partner_id": partner.pk},
        by=by,
    )


def partners_due(now=None):
    """Active partners whose last harvest is older than their refresh period."""
    now = now or timezone.now()
    due = []
    for partner in PartnerCatalogue.objects.filter(active=True):
        last = partner.last_harvest_at
        if last is None or last + timedelta(hours=partner.refresh_hours) <= now:
            due.append(partner)
    return due
