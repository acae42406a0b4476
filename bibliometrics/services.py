"""Writes of the bibliometrics app: imports, curation, topics and the indicator snapshot."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import queue
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.jobs import JobError, job_enqueue, run_job
from portal.models import Job

from . import enrichment, indicators
from .models import (
    ActorRule,
    Affiliation,
    Author,
    Authorship,
    ImportRun,
    IndicatorSnapshot,
    Publication,
    SndsComponent,
    TherapeuticArea,
    Topic,
)
from .parsers import FORMATS, Deleted, Record, Rejected, detect_format, parse
from .parsers.base import normalize_title

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_REJECTS_KEPT = 500
IMPORT_TASK = "bibliometrics.import_publications"
TOPICS_TASK = "bibliometrics.recompute_topics"
REFRESH_TASK = "bibliometrics.refresh_indicators"


# --- Reference data ---------------------------------------------------------------------------


def reference_data_ensure() -> None:
    """Components and therapeutic areas exist (the migration seeds them; tests flush)."""
    for c in enrichment.COMPONENTS:
        SndsComponent.objects.get_or_create(
            code=c.code, defaults={"label": c.label, "catalogue_code": c.catalogue_code}
        )
    for code, label in enrichment.AREA_LABELS.items():
        TherapeuticArea.objects.get_or_create(code=code, defaults={"label": label})


def actor_rules_current() -> list[dict[str, Any]]:
    """The active actor-type rules of the admin, or the defaults when there are none."""
    rules = list(
        ActorRule.objects.filter(active=True).values(
            "pattern", "actor_type", "institution", "priority"
        )
    )
    return rules or enrichment.DEFAULT_ACTOR_RULES


# --- Import -----------------------------------------------------------------------------------


def import_start(
    *,
    paths: Sequence[str | Path],
    fmt: str = "auto",
    by=None,
    background: bool = True,
    progress: Callable[[Job], None] | None = None,
) -> ImportRun:
    """Create the import job for files already on disk.

    ``background``: hand it to a Celery worker; otherwise run it here, through the same
    job machinery (the Job row shows progress either way).
    """
    if fmt not in (*FORMATS, "auto"):
        raise JobError(f"Format inconnu « {fmt} » : choisissez parmi {', '.join(FORMATS)} ou auto.")
    files = [str(Path(p).resolve()) for p in paths]
    for f in files:
        if not Path(f).is_file():
            raise JobError(f"Fichier introuvable : {f}")
    _check_size(sum(Path(f).stat().st_size for f in files))
    names = ", ".join(Path(f).name for f in files)
    title = f"Import de publications : {names}"[:255]
    with transaction.atomic():
        if background:
            job = job_enqueue(
                kind="bibliometrics.import",
                title=title,
                task=IMPORT_TASK,
                kwargs={},
                by=by,
                capability="bibliometrics.curate",
            )
        else:
            job = Job.objects.create(
                kind="bibliometrics.import",
                title=title,
                task_name=IMPORT_TASK,
                created_by=by if getattr(by, "is_authenticated", False) else None,
                capability="bibliometrics.curate",
            )
            audit_record(actor=by, action="job.enqueue", target=job, changes={"task": IMPORT_TASK})
        run = ImportRun.objects.create(job=job, files=files, format=fmt, created_by=job.created_by)
        job.task_kwargs = {"import_id": run.pk}
        job.save(update_fields=["task_kwargs"])
    if not background:
        from .tasks import import_publications

        run_job(import_publications.run_inline, str(job.pk), {"import_id": run.pk})
        run.refresh_from_db()
        run.job.refresh_from_db()
    return run


def _check_size(size: int) -> None:
    limit = settings.PUBLICATION_IMPORT_MAX_BYTES
    if size > limit:
        raise JobError(
            _("%(size)s à importer : la limite est de %(limit)s. Découpez l'export.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def import_upload(*, files: Iterable[UploadedFile], fmt: str, by) -> ImportRun:
    """Store uploaded files privately and start their import in the background."""
    files = list(files)
    _check_size(sum(upload.size for upload in files))  # before anything is written
    folder = Path(settings.PRIVATE_ROOT) / "bibliometrics" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for upload in files:
        name = Path(upload.name).name or "upload"
        target = folder / name
        with open(target, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(target)
    return import_start(paths=paths, fmt=fmt, by=by, background=True)


class _Progress:
    """Reads position of the raw file under a (possibly gzip) stream, for progress."""

    def __init__(self, files: list[str]):
        self.sizes = [max(1, Path(f).stat().st_size) for f in files]
        self.total = sum(self.sizes)
        self.done = 0

    def percent(self, index: int, raw) -> float:
        try:
            pos = raw.tell()
        except (OSError, ValueError):
            pos = 0
        return 100 * (sum(self.sizes[:index]) + min(pos, self.sizes[index])) / self.total


def import_run(*, run: ImportRun, ctx=None) -> dict[str, Any]:
    """Parse, de-duplicate, enrich and save every record of ``run``'s files.

    De-duplication: PMID, then DOI, then normalised title + year. A known record is updated
    in place when it changed, reported as a duplicate otherwise (or when it comes twice).
    Each batch is one transaction; a batch that fails is retried record by record so a
    bad record is rejected alone.
    """
    for path in run.files:
        if not Path(path).is_file():
            raise JobError(f"Fichier introuvable : {Path(path).name}. Déposez-le à nouveau.")
    reference_data_ensure()
    state = _ImportState(rules=actor_rules_current())
    progress = _Progress(run.files)
    state.start_writer()
    try:
        _import_files(run, state, progress, ctx)
    finally:
        state.finish()
    stats = dict(state.stats)
    for key in ("new", "updated", "duplicate", "rejected", "deleted"):
        stats.setdefault(key, 0)
    if not stats.get("read") and not stats["deleted"]:
        run.stats = {**stats, "rejects": state.rejects[:MAX_REJECTS_KEPT]}
        run.save(update_fields=["stats"])
        raise JobError(
            _(
                "Aucune notice n'a été reconnue dans %(files)s : vérifiez le format choisi "
                "et le contenu du fichier."
            )
            % {"files": ", ".join(Path(p).name for p in run.files)}
        )
    result = {**stats, "rejects": state.rejects[:MAX_REJECTS_KEPT]}
    run.stats = result
    run.save(update_fields=["stats"])
    if ctx:
        ctx.log(
            "nouvelles {new}, mises à jour {updated}, doublons {duplicate}, rejetées {rejected}, "
            "supprimées {deleted}".format(**stats)
        )
        ctx.progress(92, "Calcul des indicateurs…", force=True)
    indicators_refresh()
    return result


def _import_files(run: ImportRun, state: _ImportState, progress: _Progress, ctx) -> None:
    for index, path in enumerate(run.files):
        fmt = run.format
        try:
            if fmt == "auto":
                fmt = detect_format(path)
        except ValueError as exc:
            state.reject(Path(path).name, 0, str(exc))
            continue
        if ctx:
            ctx.log(f"{Path(path).name}: format {fmt}")
        batch: list[tuple[dict, int]] = []
        events = 0
        with open(path, "rb") as raw:
            for event in parse(raw, fmt):
                events += 1
                if isinstance(event, Record):
                    batch.append((event.data, event.position))
                    if len(batch) >= BATCH_SIZE:
                        state.save(batch, Path(path).name)
                        batch = []
                        if ctx:
                            ctx.check_cancelled()
                            ctx.progress(
                                0.9 * progress.percent(index, raw),
                                f"{state.stats['read']} notices lues",
                            )
                elif isinstance(event, Rejected):
                    state.reject(Path(path).name, event.position, event.reason, event.ref)
                elif isinstance(event, Deleted):
                    state.save(batch, Path(path).name)
                    batch = []
                    state.delete(event.pmids)
                    state.start_writer()
            state.save(batch, Path(path).name)
        if not events:
            # A file read to the end without one notice is not a success with 0 records.
            state.reject(
                Path(path).name,
                0,
                _("aucune notice reconnue dans ce fichier (format %(format)s)") % {"format": fmt},
            )


def _record_hash(rec: dict[str, Any]) -> str:
    return hashlib.sha1(  # noqa: S324 - a change detector, not security
        json.dumps(rec, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324


def _author_key(author: dict[str, Any]) -> str:
    return f"orcid:{author['orcid']}" if author.get("orcid") else f"name:{author['name']}"[:255]


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


PUBLICATION_FIELDS = [
    "pmid", "doi", "hal_id", "title", "title_key", "abstract", "journal", "issn", "year", "date",
    "language", "pub_type", "keywords", "mesh_terms", "citation_count", "source", "source_hash",
    "relevance_auto", "relevance_terms", "relevant", "is_example",
]  # fmt: skip


class _ImportState:
    def __init__(self, *, rules):
        self.rules = enrichment.compile_rules(rules)
        self.stats: Counter[str] = Counter()
        self.rejects: list[dict[str, Any]] = []
        self.touched: set[int] = set()
        self.components = dict(SndsComponent.objects.values_list("code", "pk"))
        self.areas = dict(TherapeuticArea.objects.values_list("code", "pk"))
        self.affiliation_cache: dict[str, dict[str, str]] = {}
        self.writer: threading.Thread | None = None
        self.writer_error: BaseException | None = None

    def reject(self, file: str, position: int, reason: str, ref: str = "") -> None:
        self.stats["rejected"] += 1
        if len(self.rejects) < MAX_REJECTS_KEPT:
            self.rejects.append({"file": file, "position": position, "ref": ref, "reason": reason})

    def delete(self, pmids: list[str]) -> None:
        self.finish()  # earlier batches first
        with transaction.atomic():
            count = Publication.objects.filter(pmid__in=[p for p in pmids if p]).count()
            Publication.objects.filter(pmid__in=[p for p in pmids if p]).delete()
        self.stats["deleted"] += count

    def start_writer(self) -> None:
        """Write batches from a second thread, so parsing overlaps the database round trips.

        Only outside a transaction (a job, the command): inside one (a test), a second
        connection would not see its data.
        """
        if transaction.get_connection().in_atomic_block:
            return
        self.queue: queue.Queue = queue.Queue(maxsize=3)

        def work() -> None:
            try:
                while (item := self.queue.get()) is not None:
                    if self.writer_error is None:
                        self._write(*item)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self.writer_error = exc
            finally:
                connection.close()

        self.writer = threading.Thread(target=work, daemon=True)
        self.writer.start()

    def finish(self) -> None:
        if self.writer is not None:
            self.queue.put(None)
            self.writer.join()
            self.writer = None
        if self.writer_error is not None:
            raise self.writer_error

    def save(self, batch: list[tuple[dict, int]], file: str) -> None:
        if not batch:
            return
        self.stats["read"] += len(batch)
        prepared = [self._prepare(rec) for rec, _pos in batch]
        if self.writer is not None:
            if self.writer_error is not None:
                raise self.writer_error
            self.queue.put((batch, prepared, file))
        else:
            self._write(batch, prepared, file)

    def _write(self, batch, prepared, file) -> None:
        try:
            with transaction.atomic():
                self._save(prepared)
        except DatabaseError:
            # retry one by one: only the records the database refuses are rejected
            for (rec, pos), item in zip(batch, prepared, strict=True):
                try:
                    with transaction.atomic():
                        self._save([item])
                except DatabaseError as exc:
                    self.reject(
                        file,
                        pos,
                        f"refusée par la base : {exc}".strip()[:300],
                        rec.get("pmid") or rec.get("doi") or "",
                    )

    def _describe(self, text: str) -> dict[str, str]:
        found = self.affiliation_cache.get(text)
        if found is None:
            found = enrichment.describe_affiliation(text, self.rules)
            if len(self.affiliation_cache) > 200_000:
                self.affiliation_cache.clear()
            self.affiliation_cache[text] = found
        return found

    def _prepare(self, rec: dict[str, Any]) -> dict[str, Any]:
        for author in rec["authors"]:
            for text in author["affiliations"]:
                self._describe(text)
        kw = " ; ".join(rec["keywords"])
        relevant, terms = enrichment.detect_relevance(rec["title"], rec["abstract"], kw)
        return {
            "rec": rec,
            "hash": _record_hash(rec),
            "title_key": normalize_title(rec["title"])[:255],
            "relevant": relevant,
            "terms": terms,
            "components": enrichment.detect_components(rec["title"], rec["abstract"], kw),
            "areas": enrichment.detect_areas(
                mesh_terms=rec["mesh_terms"], keywords=rec["keywords"], title=rec["title"]
            ),
        }

    def _save(self, items: list[dict[str, Any]]) -> None:
        pmids = {i["rec"]["pmid"] for i in items if i["rec"]["pmid"]}
        dois = {i["rec"]["doi"] for i in items if i["rec"]["doi"]}
        keys = {i["title_key"] for i in items}
        existing = Publication.objects.filter(
            Q(pmid__in=pmids) | Q(doi__in=dois) | Q(title_key__in=keys)
        ).only("pk", "pmid", "doi", "title_key", "year", "source_hash", "relevance_override")
        by_pmid: dict[str, Publication] = {}
        by_doi: dict[str, Publication] = {}
        by_title: dict[tuple[str, int | None], Publication] = {}

        def index(pub: Publication) -> None:
            if pub.pmid:
                by_pmid[pub.pmid] = pub
            if pub.doi:
                by_doi[pub.doi] = pub
            by_title[(pub.title_key, pub.year)] = pub

        for pub in existing:
            index(pub)
        new: list[Publication] = []
        updated: list[Publication] = []
        plan: list[tuple[Publication, dict[str, Any]]] = []
        batch_new: set[int] = set()  # id() of publications created in this batch
        for item in items:
            rec = item["rec"]
            pub = by_pmid.get(rec["pmid"] or "") or by_doi.get(rec["doi"] or "")
            if pub is None:
                candidate = by_title.get((item["title_key"], rec["year"]))
                # same title and year, but a different PMID or DOI: two publications
                if candidate is not None and not (
                    (rec["pmid"] and candidate.pmid and rec["pmid"] != candidate.pmid)
                    or (rec["doi"] and candidate.doi and rec["doi"] != candidate.doi)
                ):
                    pub = candidate
            if pub is not None and (
                id(pub) in batch_new or pub.pk in self.touched or pub.source_hash == item["hash"]
            ):
                self.stats["duplicate"] += 1
                if pub.pk:
                    self.touched.add(pub.pk)
                continue
            if pub is None:
                pub = Publication()
                new.append(pub)
                batch_new.add(id(pub))
            else:
                updated.append(pub)
                self.touched.add(pub.pk)
            # never steal an identifier another publication holds
            pmid = rec["pmid"] if by_pmid.get(rec["pmid"] or "", pub) is pub else pub.pmid
            doi = rec["doi"] if by_doi.get(rec["doi"] or "", pub) is pub else pub.doi
            pub.pmid, pub.doi = pmid or None, (doi or None) and doi[:255]
            pub.hal_id = (rec.get("hal_id") or "")[:64]
            pub.title = rec["title"]
            pub.title_key = item["title_key"]
            pub.abstract = rec["abstract"]
            pub.journal = rec["journal"][:255]
            pub.issn = (rec["issn"] or "")[:20]
            pub.year = rec["year"]
            pub.date = _date(rec["date"])
            pub.language = (rec["language"] or "")[:32]
            pub.pub_type = (rec["pub_type"] or "")[:100]
            pub.keywords = rec["keywords"]
            pub.mesh_terms = rec["mesh_terms"]
            pub.citation_count = rec["citation_count"]
            pub.source = rec["source"]
            pub.source_hash = item["hash"]
            pub.relevance_auto = item["relevant"]
            pub.relevance_terms = item["terms"]
            pub.relevant = Publication.decide_relevance(item["relevant"], pub.relevance_override)
            pub.is_example = bool(rec.get("is_example"))
            index(pub)
            plan.append((pub, item))
        if new:
            Publication.objects.bulk_create(new)
            self.touched.update(p.pk for p in new)
        if updated:
            Publication.objects.bulk_update(updated, PUBLICATION_FIELDS)
            Authorship.objects.filter(publication__in=updated).delete()
            Publication.components.through.objects.filter(publication__in=updated).delete()
            Publication.areas.through.objects.filter(publication__in=updated).delete()
        self.stats["new"] += len(new)
        self.stats["updated"] += len(updated)
        if plan:
            self._save_relations(plan)

    def _save_relations(self, plan: list[tuple[Publication, dict[str, Any]]]) -> None:
        comp_through = Publication.components.through
        area_through = Publication.areas.through
        comp_through.objects.bulk_create(
            comp_through(publication_id=pub.pk, sndscomponent_id=self.components[c])
            for pub, item in plan
            for c in item["components"]
            if c in self.components
        )
        area_through.objects.bulk_create(
            area_through(publication_id=pub.pk, therapeuticarea_id=self.areas[a])
            for pub, item in plan
            for a in item["areas"]
            if a in self.areas
        )
        # authors
        authors: dict[str, dict[str, Any]] = {}
        affiliations: dict[str, str] = {}
        for _pub, item in plan:
            for a in item["rec"]["authors"]:
                authors.setdefault(_author_key(a), a)
                for text in a["affiliations"]:
                    affiliations.setdefault(_text_hash(text), text)
        author_ids = dict(Author.objects.filter(key__in=authors).values_list("key", "pk"))
        missing = [k for k in authors if k not in author_ids]
        if missing:
            Author.objects.bulk_create(
                [
                    Author(
                        key=k,
                        name=authors[k]["name"][:255],
                        display_name=(
                            f"{authors[k]['last_name']} {authors[k]['fore_name']}".strip()[:255]
                        ),
                        orcid=authors[k]["orcid"] or "",
                    )
                    for k in missing
                ],
                ignore_conflicts=True,
            )
            author_ids.update(Author.objects.filter(key__in=missing).values_list("key", "pk"))
        aff_ids = dict(
            Affiliation.objects.filter(raw_hash__in=affiliations).values_list("raw_hash", "pk")
        )
        missing = [h for h in affiliations if h not in aff_ids]
        if missing:
            objs = []
            for h in missing:
                text = affiliations[h]
                d = self._describe(text)
                objs.append(
                    Affiliation(
                        raw_hash=h,
                        raw_text=text,
                        institution=d["institution"][:255],
                        city=d["city"][:100],
                        country=d["country"][:100],
                        actor_type=d["actor_type"],
                    )
                )
            Affiliation.objects.bulk_create(objs, ignore_conflicts=True)
            aff_ids.update(
                Affiliation.objects.filter(raw_hash__in=missing).values_list("raw_hash", "pk")
            )
        ships: list[Authorship] = []
        ship_affs: list[list[int]] = []
        for pub, item in plan:
            seen_authors: set[int] = set()
            for order, a in enumerate(item["rec"]["authors"], start=1):
                author_id = author_ids[_author_key(a)]
                if author_id in seen_authors:
                    continue  # the same person twice in one list (homonyms merged)
                seen_authors.add(author_id)
                ships.append(
                    Authorship(
                        publication_id=pub.pk,
                        author_id=author_id,
                        order=order,
                        corresponding=a["corresponding"],
                    )
                )
                ship_affs.append(
                    list(dict.fromkeys(aff_ids[_text_hash(t)] for t in a["affiliations"]))
                )
        Authorship.objects.bulk_create(ships)
        through = Authorship.affiliations.through
        through.objects.bulk_create(
            through(authorship_id=ship.pk, affiliation_id=aff)
            for ship, affs in zip(ships, ship_affs, strict=True)
            for aff in affs
        )


def publications_load(*, records: Iterable[dict[str, Any]], is_example: bool = False) -> dict:
    """Save already-normalised records synchronously (the demo corpus), same de-duplication."""
    from .parsers.base import empty_record, finish, make_author

    reference_data_ensure()
    state = _ImportState(rules=actor_rules_current())
    batch = []
    for i, raw in enumerate(records, start=1):
        rec = {**empty_record("demo"), **{k: v for k, v in raw.items() if k != "authors"}}
        rec["authors"] = [
            make_author(
                a["last_name"],
                a.get("fore_name", ""),
                orcid=a.get("orcid"),
                affiliations=a.get("affiliations", []),
                corresponding=a.get("corresponding", False),
            )
            for a in raw.get("authors", [])
        ]
        rec["is_example"] = is_example
        batch.append((finish(rec), i))
    state.save(batch, "demo")
    return dict(state.stats)


# --- Curation -----------------------------------------------------------------------------------


def publication_set_relevance(
    *, publication: Publication, relevant: bool | None, note: str = "", by
) -> Publication:
    """A curator decides whether a publication uses the SNDS (``None``: back to detection)."""
    with transaction.atomic():
        before = publication.relevance_override
        publication.relevance_override = relevant
        publication.relevance_note = note[:255]
        publication.relevant = Publication.decide_relevance(publication.relevance_auto, relevant)
        publication.save(update_fields=["relevance_override", "relevance_note", "relevant"])
        audit_record(
            actor=by,
            action="publication.relevance",
            target=publication,
            changes={"relevance_override": [before, relevant], "note": note},
        )
        transaction.on_commit(lambda: indicators_refresh_enqueue(by=by))
    return publication


def affiliations_reclassify(*, rules: list[dict[str, Any]] | None = None) -> int:
    """Apply the current actor-type rules to every affiliation not corrected by hand."""
    rules = rules or actor_rules_current()
    changed = []
    for aff in Affiliation.objects.filter(curated=False).iterator(chunk_size=2000):
        d = enrichment.describe_affiliation(aff.raw_text, rules)
        if (aff.actor_type, aff.institution, aff.country, aff.city) != (
            d["actor_type"], d["institution"][:255], d["country"], d["city"]
        ):  # fmt: skip
            aff.actor_type, aff.institution = d["actor_type"], d["institution"][:255]
            aff.country, aff.city = d["country"], d["city"]
            changed.append(aff)
    with transaction.atomic():
        Affiliation.objects.bulk_update(
            changed, ["actor_type", "institution", "country", "city"], batch_size=1000
        )
    return len(changed)


# --- Topics --------------------------------------------------------------------------------------


def topics_recompute(*, n_topics: int = 10, ctx=None) -> dict[str, Any]:
    """Fit TF-IDF + NMF on the retained publications and label each with its topic."""
    from .topics import fit_topics

    pubs = list(
        Publication.objects.filter(relevant=True).values_list("pk", "title", "abstract", "keywords")
    )
    if ctx:
        ctx.progress(5, f"{len(pubs)} publications")
    docs = [f"{t} {a} {' '.join(k or [])}" for _pk, t, a, k in pubs]
    model = fit_topics(docs, n_topics=n_topics)
    if ctx:
        ctx.progress(70, "Enregistrement des thèmes…")
    with transaction.atomic():
        Publication.objects.filter(topic__isnull=False).update(topic=None)
        Topic.objects.all().delete()
        topics = Topic.objects.bulk_create(
            Topic(index=t.index, label=t.label[:200], terms=t.terms) for t in model.topics
        )
        by_index = {t.index: t for t in topics}
        groups: dict[int, list[int]] = {}
        for (pk, *_rest), (topic_index, _w) in zip(pubs, model.assignments, strict=True):
            if topic_index is not None:
                groups.setdefault(topic_index, []).append(pk)
        for topic_index, pks in groups.items():
            for start in range(0, len(pks), 5000):
                Publication.objects.filter(pk__in=pks[start : start + 5000]).update(
                    topic=by_index[topic_index]
                )
    indicators_refresh()
    return {"topics": [t.label for t in topics], "publications": len(pubs)}


def topics_recompute_enqueue(*, by, n_topics: int = 10) -> Job:
    return job_enqueue(
        kind="bibliometrics.topics",
        title="Recalcul des thèmes des publications",
        task=TOPICS_TASK,
        kwargs={"n_topics": n_topics},
        by=by,
        capability="bibliometrics.curate",
    )


# --- Indicators ----------------------------------------------------------------------------------


def indicator_rows(*, relevant_only: bool = True) -> list[dict[str, Any]]:
    """One compact row per publication, for :mod:`bibliometrics.indicators`."""
    pubs = Publication.objects.all()
    if relevant_only:
        pubs = pubs.filter(relevant=True)
    rows: dict[int, dict[str, Any]] = {}
    for pk, year, journal, cites, topic, keywords in pubs.values_list(
        "pk", "year", "journal", "citation_count", "topic__label", "keywords"
    ).iterator(chunk_size=5000):
        rows[pk] = {
            "id": pk, "year": year, "journal": journal, "citations": cites, "topic": topic,
            "keywords": keywords or [], "authors": [], "institutions": [], "actor_types": [],
            "countries": [], "cities": [], "components": [], "areas": [],
        }  # fmt: skip
    flt = {"publication__relevant": True} if relevant_only else {}
    for pid, code in Publication.components.through.objects.filter(**flt).values_list(
        "publication_id", "sndscomponent__code"
    ):
        rows[pid]["components"].append(code)
    for pid, code in Publication.areas.through.objects.filter(**flt).values_list(
        "publication_id", "therapeuticarea__code"
    ):
        rows[pid]["areas"].append(code)
    for pid, author in (
        Authorship.objects.filter(**flt)
        .values_list("publication_id", "author_id")
        .iterator(chunk_size=20000)
    ):
        rows[pid]["authors"].append(author)
    aflt = {"authorship__publication__relevant": True} if relevant_only else {}
    seen: set[tuple[int, int]] = set()
    for pid, aff_id, inst, actor, country, city in (
        Authorship.affiliations.through.objects.filter(**aflt)
        .values_list(
            "authorship__publication_id",
            "affiliation_id",
            "affiliation__institution",
            "affiliation__actor_type",
            "affiliation__country",
            "affiliation__city",
        )
        .iterator(chunk_size=20000)
    ):
        if (pid, aff_id) in seen:
            continue
        seen.add((pid, aff_id))
        row = rows[pid]
        if inst and inst not in row["institutions"]:
            row["institutions"].append(inst)
        if actor not in row["actor_types"]:
            row["actor_types"].append(actor)
        if country and country not in row["countries"]:
            row["countries"].append(country)
        if city and city not in row["cities"]:
            row["cities"].append(city)
    return list(rows.values())


def indicators_refresh(*, relevant_only: bool = True) -> IndicatorSnapshot:
    """Recompute every indicator and store them with the rows the dashboard filters."""
    started = time.perf_counter()
    rows = indicator_rows(relevant_only=relevant_only)
    data = indicators.compute_all(
        rows,
        components=[c.code for c in enrichment.COMPONENTS],
        themes=list(enrichment.AREA_LABELS),
    )
    authors = {r[0]: r[1] for r in data["h_index_authors"]}
    names = dict(Author.objects.filter(pk__in=authors).values_list("pk", "display_name"))
    data["h_index_authors"] = [[names.get(pk, str(pk)), h] for pk, h in authors.items()]
    data = json.loads(json.dumps(data, default=str))
    snapshot = IndicatorSnapshot.objects.create(
        publications=len(rows),
        data=data,
        rows=rows,
        seconds=time.perf_counter() - started,
    )
    IndicatorSnapshot.objects.exclude(pk=snapshot.pk).delete()
    return snapshot


def indicators_refresh_enqueue(*, by=None) -> Job:
    return job_enqueue(
        kind="bibliometrics.indicators",
        title="Recalcul des indicateurs bibliométriques",
        task=REFRESH_TASK,
        kwargs={},
        by=by,
        capability="bibliometrics.curate",
    )
