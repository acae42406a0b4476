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
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.actors import actor_user
from portal.audit import audit_record
from portal.audit_actions import AuditAction
from portal.jobs import JobError, job_enqueue, job_run_inline
from portal.messages import coded
from portal.models import Job

from . import enrichment, indicators
from .models import (
    ActorRule,
    Affiliation,
    AffiliationCorrection,
    Author,
    Authorship,
    ImportRun,
    IndicatorSnapshot,
    MergeKey,
    Publication,
    PublicationMerge,
    QuerySource,
    RelevanceModel,
    SavedQuery,
    SndsComponent,
    TherapeuticArea,
    Topic,
)
from .parsers import FORMATS, Deleted, Record, Rejected, detect_format, parse
from .parsers.base import normalize_title

logger = logging.getLogger(__name__)


BATCH_SIZE = 500
MAX_REJECTS_KEPT = 500
# the counts of an import, in its stats and in its job log line
STATS_COUNTED = ("new", "updated", "merged", "duplicate", "rejected", "deleted")
# Job kinds, declared with their tasks in tasks.py.
IMPORT_KIND = "bibliometrics.import"
TOPICS_KIND = "bibliometrics.topics"
REFRESH_KIND = "bibliometrics.indicators"


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
        raise JobError(coded("bibliometrics.unknown_format", format=fmt, formats=list(FORMATS)))
    files = [str(Path(p).resolve()) for p in paths]
    for f in files:
        if not Path(f).is_file():
            raise JobError(coded("bibliometrics.file_not_found", file=f))
    _check_size(sum(Path(f).stat().st_size for f in files))
    names = ", ".join(Path(f).name for f in files)
    title = coded("bibliometrics.import_title", names=names[:200])
    with transaction.atomic():
        job = job_enqueue(kind=IMPORT_KIND, title=title, by=by, inline=not background)
        run = ImportRun.objects.create(job=job, files=files, format=fmt, created_by=job.created_by)
        job.task_kwargs = {"import_id": run.pk}
        job.save(update_fields=["task_kwargs"])
    if not background:
        job_run_inline(job=job)
        run.refresh_from_db()
        run.job.refresh_from_db()
    return run


def _check_size(size: int) -> None:
    limit = settings.PUBLICATION_IMPORT_MAX_BYTES
    if size > limit:
        raise JobError(coded("bibliometrics.too_large", size=size, limit=limit))


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
            raise JobError(coded("bibliometrics.file_gone", file=Path(path).name))
    reference_data_ensure()
    state = _ImportState(rules=actor_rules_current())
    progress = _Progress(run.files)
    state.start_writer()
    try:
        _import_files(run, state, progress, ctx)
    finally:
        state.finish()
    stats = dict(state.stats)
    for key in STATS_COUNTED:
        stats.setdefault(key, 0)
    if not stats.get("read") and not stats["deleted"]:
        run.stats = {**stats, "rejects": state.rejects[:MAX_REJECTS_KEPT]}
        run.save(update_fields=["stats"])
        raise JobError(
            coded("bibliometrics.nothing_recognised", files=[Path(p).name for p in run.files])
        )
    result = {**stats, "rejects": state.rejects[:MAX_REJECTS_KEPT]}
    run.stats = result
    run.save(update_fields=["stats"])
    if ctx:
        ctx.log(coded("bibliometrics.import_stats", **_stats_counts(stats)))
        ctx.progress(92, "bibliometrics.indicators", force=True)
    relevance_scores_refresh(only_missing=True)
    indicators_refresh()
    return result


def _import_files(run: ImportRun, state: _ImportState, progress: _Progress, ctx) -> None:
    for index, path in enumerate(run.files):
        fmt = run.format
        try:
            if fmt == "auto":
                fmt = detect_format(path)
        except ValueError:
            state.reject(Path(path).name, 0, coded("bibliometrics.reject", reason="unknown_format"))
            continue
        if ctx:
            ctx.log(coded("bibliometrics.file_format", file=Path(path).name, format=fmt))
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
                                coded("bibliometrics.records_read", n=state.stats["read"]),
                            )
                elif isinstance(event, Rejected):
                    state.reject_event(Path(path).name, event.position, event)
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
                coded("bibliometrics.no_record_in_file", format=fmt),
            )


def _record_hash(rec: dict[str, Any]) -> str:
    return hashlib.sha1(  # noqa: S324 - a change detector, not security
        json.dumps(rec, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324


def affiliation_key(text: str) -> str:
    """One key for the spellings of one affiliation (case, spacing, e-mail, final dot)."""
    return _text_hash(enrichment.clean_affiliation(text).casefold())


def _apply_correction(aff: Affiliation, correction: AffiliationCorrection) -> None:
    aff.actor_types = list(correction.actor_types)
    aff.actor_type = aff.actor_types[0] if aff.actor_types else "other"
    for name in ("institution", "city", "country"):
        if getattr(correction, name):
            setattr(aff, name, getattr(correction, name))
    aff.curated = True


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
    "relevance_auto", "relevance_terms", "relevance_reasons", "relevant", "is_example",
]  # fmt: skip
# What a merged record may fill in when the publication lacks it.
MERGE_FILLS = [
    "pmid", "doi", "hal_id", "abstract", "journal", "issn", "year", "language", "pub_type",
    "keywords", "mesh_terms", "citation_count",
]  # fmt: skip


def _merge_fill(pub: Publication, rec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Fill the empty fields of ``pub`` from ``rec``; returns ``{field: value before}``."""
    filled: dict[str, Any] = {}
    for name in MERGE_FILLS:
        if not getattr(pub, name) and rec.get(name):
            filled[name] = getattr(pub, name)
            setattr(pub, name, rec[name])
    if item["relevant"] and not pub.relevance_auto:
        filled["relevance_auto"] = pub.relevance_auto
        filled["relevance_terms"] = pub.relevance_terms
        pub.relevance_auto, pub.relevance_terms = True, item["terms"]
        pub.relevant = Publication.decide_relevance(True, pub.relevance_override)
    return filled


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
        self.origin = ""  # file or saved query, recorded on merges
        self.created: list[Publication] = []

    def reject(self, file: str, position: int, reason: str, ref: str = "") -> None:
        """Count a record not kept and keep the first ones; ``reason`` is a message code (see
        portal.messages) the import page words in its reader's language."""
        self.stats["rejected"] += 1
        if len(self.rejects) < MAX_REJECTS_KEPT:
            self.rejects.append({"file": file, "position": position, "ref": ref, "reason": reason})

    def reject_event(self, file: str, position: int, event: Rejected) -> None:
        """A record a parser or a connector did not keep, for its reason's code."""
        reason = coded("bibliometrics.reject", reason=event.reason, detail=event.detail)
        self.reject(file, position, reason, event.ref)

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
        self.origin = file
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
                        coded("bibliometrics.reject", reason="database", detail=str(exc)[:300]),
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
        verdict = enrichment.record_verdict(rec)
        return {
            "rec": rec,
            "hash": _record_hash(rec),
            "title_key": normalize_title(rec["title"])[:255],
            "relevant": verdict.relevant,
            "terms": verdict.terms,
            "reasons": verdict.reasons_as_dicts(),
            "components": enrichment.detect_components(
                rec["title"], rec["abstract"], kw, accepted=verdict.accepted_acronyms
            ),
            "areas": enrichment.detect_areas(
                mesh_terms=rec["mesh_terms"], keywords=rec["keywords"], title=rec["title"]
            ),
        }

    def _save(self, items: list[dict[str, Any]], *, force_new: bool = False) -> None:
        """Match each record to a publication, then create, update, merge or skip it.

        Matching: the record's own hash (a re-import), then PMID, then DOI, then normalised
        title + year — never across two different PMIDs. A record matched by DOI or title
        that comes from another format is *merged*: it fills what the publication lacked,
        and a :class:`PublicationMerge` row says which key matched and lets a curator undo it.
        """
        pmids = {i["rec"]["pmid"] for i in items if i["rec"]["pmid"]}
        dois = {i["rec"]["doi"] for i in items if i["rec"]["doi"]}
        keys = {i["title_key"] for i in items}
        hashes = {i["hash"] for i in items}
        existing = Publication.objects.filter(
            Q(pmid__in=pmids) | Q(doi__in=dois) | Q(title_key__in=keys) | Q(source_hash__in=hashes)
        ).only(
            "pk", "pmid", "doi", "title_key", "year", "source_hash", "relevance_override",
            *MERGE_FILLS, "source", "relevance_auto", "relevance_terms",
        )  # fmt: skip
        merged_hashes = set(
            PublicationMerge.objects.filter(record_hash__in=hashes, undone_at=None).values_list(
                "record_hash", flat=True
            )
        )
        # an undone merge: its (key, value) now leads to the publication it became
        undone = {
            (key, value, pub_id): split_id
            for key, value, pub_id, split_id in PublicationMerge.objects.filter(
                undone_at__isnull=False, split__isnull=False, value__in=dois | keys
            ).values_list("key", "value", "publication_id", "split_id")
        }
        by_pmid: dict[str, Publication] = {}
        by_doi: dict[str, list[Publication]] = {}
        by_title: dict[tuple[str, int | None], list[Publication]] = {}
        by_hash: dict[str, Publication] = {}
        by_pk: dict[int, Publication] = {}

        def index(pub: Publication) -> None:
            if pub.pmid:
                by_pmid[pub.pmid] = pub
            if pub.doi and pub not in by_doi.setdefault(pub.doi, []):
                by_doi[pub.doi].append(pub)
            if pub not in by_title.setdefault((pub.title_key, pub.year), []):
                by_title[(pub.title_key, pub.year)].append(pub)
            if pub.source_hash:
                by_hash[pub.source_hash] = pub
            if pub.pk:
                by_pk[pub.pk] = pub

        for pub in existing:
            index(pub)
        missing_splits = set(undone.values()) - set(by_pk)
        for pub in Publication.objects.filter(pk__in=missing_splits):
            index(pub)

        def compatible(rec: dict[str, Any], pub: Publication) -> bool:
            return not (rec["pmid"] and pub.pmid and rec["pmid"] != pub.pmid)

        new: list[Publication] = []
        updated: list[Publication] = []
        merged: list[Publication] = []
        merges: list[PublicationMerge] = []
        plan: list[tuple[Publication, dict[str, Any]]] = []
        batch_new: set[int] = set()  # id() of publications created in this batch
        for item in items:
            rec = item["rec"]
            pub, key, value = None, "", ""
            if not force_new:
                if item["hash"] in merged_hashes:
                    self.stats["duplicate"] += 1
                    continue
                pub = by_hash.get(item["hash"])
                if pub is None and rec["pmid"]:
                    pub = by_pmid.get(rec["pmid"])
                if pub is None and rec["doi"]:
                    pub = next((c for c in by_doi.get(rec["doi"], []) if compatible(rec, c)), None)
                    key, value = MergeKey.DOI, rec["doi"]
                if pub is None:
                    pub = next(
                        (
                            c
                            for c in by_title.get((item["title_key"], rec["year"]), [])
                            if compatible(rec, c)
                            and not (rec["doi"] and c.doi and rec["doi"] != c.doi)
                        ),
                        None,
                    )
                    key, value = MergeKey.TITLE, item["title_key"]
                if pub is not None and key and (key, value, pub.pk) in undone:
                    pub = by_pk.get(undone[(key, value, pub.pk)], pub)
                    key = ""  # the record's own publication since the curator split them
                if pub is not None and (rec["pmid"] and rec["pmid"] == pub.pmid):
                    key = ""
            if pub is not None and (
                id(pub) in batch_new or pub.pk in self.touched or pub.source_hash == item["hash"]
            ):
                self.stats["duplicate"] += 1
                if pub.pk:
                    self.touched.add(pub.pk)
                continue
            if pub is not None and key and pub.source != rec["source"]:
                filled = _merge_fill(pub, rec, item)
                merges.append(
                    PublicationMerge(
                        publication=pub,
                        key=key,
                        value=value[:255],
                        source=rec["source"],
                        origin=self.origin[:255],
                        record=rec,
                        record_hash=item["hash"],
                        filled=filled,
                    )
                )
                merged.append(pub)
                self.touched.add(pub.pk)
                self.stats["merged"] += 1
                continue
            if pub is None:
                pub = Publication()
                new.append(pub)
                batch_new.add(id(pub))
            else:
                updated.append(pub)
                self.touched.add(pub.pk)
            pub.pmid, pub.doi = rec["pmid"] or None, (rec["doi"] or None) and rec["doi"][:255]
            if pub.pmid and by_pmid.get(pub.pmid, pub) is not pub:
                pub.pmid = None  # never steal a PMID another publication holds
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
            if rec["citation_count"] is not None or pub.pk is None:
                pub.citation_count = rec["citation_count"]  # keep OpenAlex's count otherwise
            pub.source = rec["source"]
            pub.source_hash = item["hash"]
            pub.relevance_auto = item["relevant"]
            pub.relevance_terms = item["terms"]
            pub.relevance_reasons = item["reasons"]
            pub.relevant = Publication.decide_relevance(item["relevant"], pub.relevance_override)
            pub.is_example = bool(rec.get("is_example"))
            index(pub)
            plan.append((pub, item))
        if new:
            Publication.objects.bulk_create(new)
            self.touched.update(p.pk for p in new)
            self.created.extend(new)
        if updated:
            Publication.objects.bulk_update(updated, PUBLICATION_FIELDS)
            Authorship.objects.filter(publication__in=updated).delete()
            Publication.components.through.objects.filter(publication__in=updated).delete()
            Publication.areas.through.objects.filter(publication__in=updated).delete()
        if merged:
            Publication.objects.bulk_update(merged, PUBLICATION_FIELDS)
            PublicationMerge.objects.bulk_create(merges)
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
            norms = {h: affiliation_key(affiliations[h]) for h in missing}
            corrections = {
                c.norm_hash: c
                for c in AffiliationCorrection.objects.filter(norm_hash__in=set(norms.values()))
            }
            objs = []
            for h in missing:
                text = affiliations[h]
                d = self._describe(text)
                aff = Affiliation(
                    raw_hash=h,
                    raw_text=text,
                    norm_hash=norms[h],
                    institution=d["institution"][:255],
                    city=d["city"][:100],
                    country=d["country"][:100],
                    actor_type=d["actor_type"],
                    actor_types=d["actor_types"],
                )
                correction = corrections.get(norms[h])
                if correction is not None:
                    _apply_correction(aff, correction)
                objs.append(aff)
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
            action=AuditAction.PUBLICATION_RELEVANCE,
            target=publication,
            changes={"relevance_override": [before, relevant], "note": note},
        )
        transaction.on_commit(lambda: indicators_refresh_enqueue(by=by))
    return publication


def publication_merge_undo(*, merge: PublicationMerge, by) -> Publication:
    """Split a merged record out again: the publication gets back what the record filled,
    and the record becomes a publication of its own (later imports keep them apart)."""
    if merge.undone_at is not None:
        raise JobError("bibliometrics.merge_already_undone")
    with transaction.atomic():
        merge = PublicationMerge.objects.select_for_update().get(pk=merge.pk)
        pub = merge.publication
        for name, before in merge.filled.items():
            setattr(pub, name, before)
        pub.relevant = Publication.decide_relevance(pub.relevance_auto, pub.relevance_override)
        pub.save()
        state = _ImportState(rules=actor_rules_current())
        state.origin = merge.origin
        record = dict(merge.record)
        state._save([{**state._prepare(record), "hash": merge.record_hash}], force_new=True)
        split = state.created[0]
        merge.undone_at = timezone.now()
        merge.undone_by = actor_user(by)
        merge.split = split
        merge.save(update_fields=["undone_at", "undone_by", "split"])
        audit_record(
            actor=by,
            action=AuditAction.PUBLICATION_MERGE_UNDO,
            target=pub,
            changes={"key": merge.key, "value": merge.value, "split": split.pk},
        )
        transaction.on_commit(lambda: indicators_refresh_enqueue(by=by))
    return split


def affiliations_reclassify(*, rules: list[dict[str, Any]] | None = None) -> int:
    """Apply the current actor-type rules to every affiliation not corrected by hand."""
    rules = rules or actor_rules_current()
    changed = []
    for aff in Affiliation.objects.filter(curated=False).iterator(chunk_size=2000):
        d = enrichment.describe_affiliation(aff.raw_text, rules)
        key = affiliation_key(aff.raw_text)
        if (aff.actor_types, aff.institution, aff.country, aff.city, aff.norm_hash) != (
            d["actor_types"], d["institution"][:255], d["country"], d["city"][:100], key
        ):  # fmt: skip
            aff.actor_type, aff.actor_types = d["actor_type"], d["actor_types"]
            aff.institution = d["institution"][:255]
            aff.country, aff.city, aff.norm_hash = d["country"], d["city"][:100], key
            changed.append(aff)
    with transaction.atomic():
        Affiliation.objects.bulk_update(
            changed,
            ["actor_type", "actor_types", "institution", "country", "city", "norm_hash"],
            batch_size=1000,
        )
    return len(changed)


def affiliation_correct(
    *, affiliation: Affiliation, actor_types: list[str], institution: str = "", city: str = "",
    country: str = "", by,
) -> int:  # fmt: skip
    """A curator's reading of an affiliation, applied to every record with that affiliation
    (same text up to case, spacing and e-mail) and to those later imports bring."""
    if not actor_types:
        raise JobError("bibliometrics.actor_type_required")
    key = affiliation_key(affiliation.raw_text)
    with transaction.atomic():
        correction, _created = AffiliationCorrection.objects.update_or_create(
            norm_hash=key,
            defaults={
                "example": affiliation.raw_text,
                "actor_types": actor_types,
                "institution": institution[:255],
                "city": city[:100],
                "country": country[:100],
                "created_by": actor_user(by),
            },
        )
        same = list(Affiliation.objects.filter(Q(norm_hash=key) | Q(pk=affiliation.pk)))
        before = {a.pk: a.actor_types for a in same}
        for aff in same:
            aff.norm_hash = key
            _apply_correction(aff, correction)
        Affiliation.objects.bulk_update(
            same, ["norm_hash", "actor_type", "actor_types", "institution", "city", "country",
                   "curated"],
        )  # fmt: skip
        audit_record(
            actor=by,
            action=AuditAction.AFFILIATION_CORRECT,
            target=affiliation,
            changes={
                "actor_types": [before.get(affiliation.pk), actor_types],
                "institution": institution, "city": city, "country": country,
                "affiliations": len(same),
            },
        )  # fmt: skip
        transaction.on_commit(lambda: indicators_refresh_enqueue(by=by))
    return len(same)


# --- Topics --------------------------------------------------------------------------------------


def topics_recompute(*, n_topics: int = 10, ctx=None) -> dict[str, Any]:
    """Fit TF-IDF + NMF on the retained publications and label each with its topic."""
    from .topics import fit_topics, labels_by_language

    pubs = list(
        Publication.objects.filter(relevant=True).values_list("pk", "title", "abstract", "keywords")
    )
    if ctx:
        ctx.progress(5, coded("bibliometrics.topics_publications", n=len(pubs)))
    docs = [f"{t} {a} {' '.join(k or [])}" for _pk, t, a, k in pubs]
    model = fit_topics(docs, n_topics=n_topics)
    if ctx:
        ctx.progress(70, "bibliometrics.topics_saving")
    with transaction.atomic():
        Publication.objects.filter(topic__isnull=False).update(topic=None)
        Topic.objects.all().delete()
        topics = Topic.objects.bulk_create(
            Topic(
                index=t.index,
                label=t.label[:200],
                terms=t.terms,
                labels={k: v[:200] for k, v in labels_by_language(t.terms).items()},
            )
            for t in model.topics
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


def import_run_retry_copy(*, original: Job, job: Job, by) -> ImportRun:
    """Retry hook of the import and saved-query kinds (``tasks.py``): the new job gets its
    own run of the same files or query, so each job page keeps its own report."""
    previous = ImportRun.objects.get(job=original)
    run = ImportRun.objects.create(
        job=job,
        files=previous.files,
        format=previous.format,
        saved_query=previous.saved_query,
        created_by=job.created_by,
    )
    job.task_kwargs = {**job.task_kwargs, "import_id": run.pk}
    job.save(update_fields=["task_kwargs"])
    return run


def topics_recompute_enqueue(*, by, n_topics: int = 10) -> Job:
    return job_enqueue(
        kind=TOPICS_KIND,
        title="bibliometrics.topics_title",
        kwargs={"n_topics": n_topics},
        by=by,
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
    for pid, aff_id, inst, actor, actors, country, city in (
        Authorship.affiliations.through.objects.filter(**aflt)
        .values_list(
            "authorship__publication_id",
            "affiliation_id",
            "affiliation__institution",
            "affiliation__actor_type",
            "affiliation__actor_types",
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
        for a in actors or [actor]:  # a mixed affiliation counts for every type it names
            if a not in row["actor_types"]:
                row["actor_types"].append(a)
        if country and country not in row["countries"]:
            row["countries"].append(country)
        if city and city not in row["cities"]:
            row["cities"].append(city)
    return list(rows.values())


def indicators_refresh(*, relevant_only: bool = True) -> IndicatorSnapshot:
    """Recompute every indicator and store them with the rows the dashboard filters."""
    started = time.perf_counter()
    rows = indicator_rows(relevant_only=relevant_only)
    pubs = Publication.objects.filter(relevant=True) if relevant_only else Publication.objects.all()
    references: dict[int, list[str]] = {}
    terms: dict[int, list[str]] = {}
    titles: dict[int, str] = {}
    by_openalex: dict[str, str] = {}
    for pk, refs, keywords, mesh, title, openalex_id in pubs.values_list(
        "pk", "references", "keywords", "mesh_terms", "title", "openalex_id"
    ).iterator(chunk_size=5000):
        if refs:
            references[pk] = refs
        terms[pk] = [*(keywords or []), *(mesh or [])]
        titles[pk] = title[:90]
        if openalex_id:
            by_openalex[openalex_id] = title[:90]
    data = indicators.compute_all(
        rows,
        components=[c.code for c in enrichment.COMPONENTS],
        themes=list(enrichment.AREA_LABELS),
        references=references,
        terms=terms,
    )
    # what a reader sees of a node: the title when the work is in the corpus
    for block, names in (("coupling", titles), ("cocitation", by_openalex)):
        nodes = [n["id"] for n in data[block]["layout"]["nodes"]]
        nodes += [c["node"] for c in data[block]["central"]]
        data[block]["labels"] = {str(n): names.get(n, str(n)) for n in nodes}
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
        kind=REFRESH_KIND,
        title="bibliometrics.indicators_title",
        kwargs={},
        by=by,
    )


# --- Saved queries at literature sources ---------------------------------------------------------

QUERY_KIND = "bibliometrics.query"
DUE_TASK = "bibliometrics.refresh_due_queries"


def _fetch_options() -> dict[str, Any]:
    """What the tests may inject into every connector's fetcher (a transport, no waiting)."""
    from . import connectors

    options: dict[str, Any] = {"transport": connectors.TRANSPORT}
    if connectors.SLEEP is not None:
        options["sleep"] = connectors.SLEEP
    return options


def _openalex():
    from .connectors import openalex

    return openalex.OpenAlex(
        openalex.fetcher(**_fetch_options()),
        email=settings.BIBLIO_CONTACT_EMAIL,
        base_url=settings.BIBLIO_OPENALEX_URL,
    )


def _connector(source: str):
    """The connector of ``source``, configured from the settings (API key, contact e-mail,
    the API's address)."""
    from .connectors import hal, pubmed

    options = _fetch_options()
    if source == QuerySource.PUBMED:
        key = settings.BIBLIO_PUBMED_API_KEY
        return pubmed.PubMed(
            pubmed.fetcher(api_key=key, **options),
            api_key=key,
            email=settings.BIBLIO_CONTACT_EMAIL,
            base_url=settings.BIBLIO_PUBMED_URL,
        )
    if source == QuerySource.OPENALEX:
        return _openalex()
    if source == QuerySource.HAL:
        return hal.Hal(hal.fetcher(**options), base_url=settings.BIBLIO_HAL_URL)
    raise JobError(coded("bibliometrics.unknown_source", source=source))


def connector_error_params(exc) -> dict[str, Any]:
    """A connector's error as parameters of a stored message (bibliometrics.labels words
    them when the page renders)."""
    return {"connector": exc.code, "detail": exc.params}


def saved_query_create(
    *, name: str, source: str, query: str, by, max_records: int = 5000,
    refresh_hours: int = 24 * 7, active: bool = True,
) -> SavedQuery:  # fmt: skip
    with transaction.atomic():
        saved = SavedQuery.objects.create(
            name=name, source=source, query=query, max_records=max_records,
            refresh_hours=refresh_hours, active=active,
            created_by=actor_user(by),
        )  # fmt: skip
        audit_record(
            actor=by,
            action=AuditAction.SAVED_QUERY_CREATE,
            target=saved,
            changes={"source": source, "query": query, "max_records": max_records},
        )
    return saved


def saved_query_refresh_enqueue(*, query: SavedQuery, by=None, confirm: bool = False) -> ImportRun:
    """A refresh of ``query`` as a job with progress (on demand or from the schedule)."""
    with transaction.atomic():
        job = job_enqueue(
            kind=QUERY_KIND,
            title=coded(
                "bibliometrics.query_title",
                source=str(query.get_source_display()),
                name=query.name[:150],
            ),
            kwargs={},
            by=by,
        )
        run = ImportRun.objects.create(
            job=job, files=[], format=query.source, saved_query=query, created_by=job.created_by
        )
        job.task_kwargs = {"import_id": run.pk, "confirm": confirm}
        job.save(update_fields=["task_kwargs"])
        audit_record(
            actor=by,
            action=AuditAction.SAVED_QUERY_REFRESH,
            target=query,
            changes={"job": str(job.pk), "confirm": confirm},
        )
    return run


def saved_query_confirm(*, query: SavedQuery, by) -> ImportRun:
    """A curator accepts to import a result larger than the query's limit."""
    if not query.pending_count:
        raise JobError(_("Aucun import n'attend de confirmation pour cette requête."))
    with transaction.atomic():
        before = query.confirmed_count
        query.confirmed_count, query.pending_count = query.pending_count, None
        query.save(update_fields=["confirmed_count", "pending_count"])
        audit_record(
            actor=by,
            action=AuditAction.SAVED_QUERY_CONFIRM,
            target=query,
            changes={"confirmed_count": [before, query.confirmed_count]},
        )
        return saved_query_refresh_enqueue(query=query, by=by, confirm=True)


def saved_query_refresh(*, run: ImportRun, ctx=None, confirm: bool = False) -> dict[str, Any]:
    """Fetch every record of the saved query; import new ones, update changed ones, apply
    PubMed's deletions — the same de-duplication as file imports.

    Each page is saved in its own transaction, so an answer that is not what the API
    documents stops the refresh with the query named and keeps what came before it.
    """
    from .connectors import ConnectorError

    query = run.saved_query
    if query is None:
        raise JobError(_("Cette requête n'existe plus."))
    reference_data_ensure()
    state = _ImportState(rules=actor_rules_current())
    # a code, worded where it is shown (import page, merge history) in the reader's language
    origin = coded("bibliometrics.origin_query", name=query.name[:200])
    connector = _connector(query.source)
    seen: list[str] = []
    position = 0
    total = 0
    try:
        for page in connector.pages(query.query):
            total = page.total
            if position == 0 and total > query.max_records:
                allowed = confirm and (query.confirmed_count or 0) >= total
                if not allowed:
                    query.pending_count = total
                    query.last_count = total
                    query.save(update_fields=["pending_count", "last_count"])
                    result = {"awaiting_confirmation": total, "limit": query.max_records}
                    run.stats = result
                    run.save(update_fields=["stats"])
                    if ctx:
                        ctx.progress(
                            100,
                            coded(
                                "bibliometrics.records_over_limit",
                                total=total,
                                limit=query.max_records,
                            ),
                            force=True,
                        )
                    return result
            batch = []
            for rec in page.records:
                position += 1
                batch.append((rec, position))
            for event in page.rejected:
                position += 1
                state.reject_event(origin, position, event)
            state.save(batch, origin)
            seen.extend(i for i in page.ids if i)
            if ctx:
                ctx.check_cancelled()
                ctx.progress(
                    90 * position / max(total, 1),
                    coded(
                        "bibliometrics.query_records",
                        position=position,
                        total=total,
                        name=query.name,
                    ),
                )
        if query.source == QuerySource.PUBMED:
            vanished = sorted(set(query.seen_ids) - set(seen))
            if vanished:
                state.delete(connector.deleted(vanished))
    except ConnectorError as exc:
        failure = {"name": query.name, **connector_error_params(exc)}
        message = coded("bibliometrics.query_failed", **failure)
        stats = _run_stats(state)
        run.stats = {**stats, "error": message}
        run.save(update_fields=["stats"])
        query.last_error = message
        query.save(update_fields=["last_error"])
        if stats["new"] or stats["updated"] or stats["merged"]:
            indicators_refresh()
        kept = stats["new"] + stats["updated"] + stats["merged"]
        raise JobError(coded("bibliometrics.query_failed", **failure, kept=kept)) from exc
    finally:
        connector.fetch.close()
    stats = _run_stats(state)
    run.stats = stats
    run.save(update_fields=["stats"])
    query.seen_ids = seen
    query.last_count = total
    query.last_refreshed_at = timezone.now()
    query.last_error = ""
    query.pending_count = None
    query.save(
        update_fields=["seen_ids", "last_count", "last_refreshed_at", "last_error", "pending_count"]
    )
    if ctx:
        ctx.log(coded("bibliometrics.query_stats", name=query.name, **_stats_counts(stats)))
        ctx.progress(92, "bibliometrics.indicators", force=True)
    relevance_scores_refresh(only_missing=True)
    indicators_refresh()
    return stats


def _stats_counts(stats: dict[str, Any]) -> dict[str, int]:
    """The counts a job log line reports (bibliometrics.import_stats, query_stats)."""
    return {key: stats.get(key, 0) for key in STATS_COUNTED}


def _run_stats(state: _ImportState) -> dict[str, Any]:
    stats = dict(state.stats)
    for key in STATS_COUNTED:
        stats.setdefault(key, 0)
    stats.pop("read", None)
    return {**stats, "rejects": state.rejects[:MAX_REJECTS_KEPT]}


def saved_queries_refresh_due(*, now=None) -> list[ImportRun]:
    """Enqueue the active queries whose interval has passed (called by Celery beat)."""
    now = now or timezone.now()
    busy = set(
        ImportRun.objects.filter(
            saved_query__isnull=False, job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        ).values_list("saved_query_id", flat=True)
    )
    runs = []
    for query in SavedQuery.objects.filter(active=True, pending_count__isnull=True):
        if query.pk in busy:
            continue
        due = query.last_refreshed_at is None or (
            query.last_refreshed_at + datetime.timedelta(hours=query.refresh_hours) <= now
        )
        if due:
            runs.append(saved_query_refresh_enqueue(query=query, by=None))
    return runs


# --- The relevance model and the curation queue --------------------------------------------------

MODEL_KIND = "bibliometrics.model"


def _model_records(pubs: list[Publication]) -> list[dict[str, Any]]:
    """What the classifier reads of each publication (affiliation texts included)."""
    affiliations: dict[int, list[str]] = {p.pk: [] for p in pubs}
    for pid, text in Authorship.affiliations.through.objects.filter(
        authorship__publication__in=[p.pk for p in pubs]
    ).values_list("authorship__publication_id", "affiliation__raw_text"):
        if text not in affiliations[pid]:
            affiliations[pid].append(text)
    return [
        {
            "title": p.title,
            "abstract": p.abstract,
            "keywords": p.keywords or [],
            "mesh_terms": p.mesh_terms or [],
            "affiliations": affiliations[p.pk],
        }
        for p in pubs
    ]


def relevance_model_train(*, by=None, ctx=None) -> RelevanceModel:
    """Train the classifier on every curator decision, then score the undecided records."""
    from .classifier import NotEnoughDecisions, train

    decided = list(Publication.objects.filter(relevance_override__isnull=False))
    try:
        model = train(_model_records(decided), [p.relevance_override for p in decided])
    except NotEnoughDecisions as exc:
        positives, negatives = exc.args
        raise JobError(
            coded("bibliometrics.not_enough_decisions", positives=positives, negatives=negatives)
        ) from exc
    if ctx:
        ctx.progress(40, coded("bibliometrics.model_trained", n=len(decided)))
    with transaction.atomic():
        saved = RelevanceModel.objects.create(
            positives=model.positives,
            negatives=model.negatives,
            blob=model.dumps(),
            created_by=actor_user(by),
        )
        audit_record(
            actor=by,
            action=AuditAction.PUBLICATION_MODEL_TRAIN,
            target=saved,
            changes={"positives": model.positives, "negatives": model.negatives},
        )
    relevance_scores_refresh(model=saved, ctx=ctx)
    return saved


def relevance_model_current():
    """The latest trained model (a ``classifier.TrainedModel``), or ``None``."""
    from .classifier import TrainedModel

    saved = RelevanceModel.objects.order_by("-created_at").first()
    return (saved, TrainedModel.loads(bytes(saved.blob))) if saved else (None, None)


def relevance_scores_refresh(*, model: RelevanceModel | None = None, only_missing: bool = False,
                             ctx=None) -> int:  # fmt: skip
    """The model's probability and its reasons on every undecided publication."""
    from .classifier import TrainedModel

    if model is None:
        model, trained = relevance_model_current()
        if model is None:
            return 0
    else:
        trained = TrainedModel.loads(bytes(model.blob))
    qs = Publication.objects.filter(relevance_override__isnull=True)
    if only_missing:
        qs = qs.filter(model_probability__isnull=True)
    pks = list(qs.values_list("pk", flat=True))
    for start in range(0, len(pks), 500):
        pubs = list(Publication.objects.filter(pk__in=pks[start : start + 500]))
        records = _model_records(pubs)
        for pub, probability, why in zip(
            pubs, trained.probabilities(records), trained.explain_many(records), strict=True
        ):
            pub.model_probability = round(probability, 4)
            pub.model_explanation = why
        Publication.objects.bulk_update(pubs, ["model_probability", "model_explanation"])
        if ctx:
            ctx.progress(
                40 + 55 * (start + len(pubs)) / len(pks),
                coded("bibliometrics.scored", n=start + len(pubs)),
            )
    return len(pks)


def relevance_model_train_enqueue(*, by) -> Job:
    return job_enqueue(
        kind=MODEL_KIND,
        title="bibliometrics.model_title",
        kwargs={},
        by=by,
    )


def publications_set_relevance_bulk(
    *, publications: Iterable[Publication], relevant: bool | None, note: str = "", by
) -> int:
    """One curator decision for many publications (the curation queue), each audited."""
    with transaction.atomic():
        changed = []
        for pub in publications:
            before = pub.relevance_override
            pub.relevance_override = relevant
            pub.relevance_note = note[:255]
            pub.relevant = Publication.decide_relevance(pub.relevance_auto, relevant)
            changed.append(pub)
            audit_record(
                actor=by,
                action=AuditAction.PUBLICATION_RELEVANCE_BULK,
                target=pub,
                changes={"relevance_override": [before, relevant], "note": note},
            )
        Publication.objects.bulk_update(
            changed, ["relevance_override", "relevance_note", "relevant"]
        )
        if changed:
            transaction.on_commit(lambda: indicators_refresh_enqueue(by=by))
    return len(changed)


# --- Citations from OpenAlex -------------------------------------------------------------------

CITATIONS_KIND = "bibliometrics.citations"
CITATIONS_STALE_DAYS = 30


def citations_refresh(*, ctx=None, stale_days: int = CITATIONS_STALE_DAYS) -> dict[str, int]:
    """Citation counts and cited references of the retained publications, from OpenAlex,
    matched by DOI or else by PMID (those not checked for ``stale_days``)."""
    from .connectors import ConnectorError, openalex

    limit = timezone.now() - datetime.timedelta(days=stale_days)
    pubs = list(
        Publication.objects.filter(relevant=True)
        .filter(Q(citations_updated_at__isnull=True) | Q(citations_updated_at__lt=limit))
        .exclude(doi__isnull=True, pmid__isnull=True)
        .only("pk", "doi", "pmid", "citation_count", "openalex_id", "references")
    )
    source = _openalex()
    found = 0
    try:
        for start in range(0, len(pubs), openalex.LOOKUP):
            chunk = pubs[start : start + openalex.LOOKUP]
            result = source.citations(
                dois=[p.doi for p in chunk if p.doi],
                pmids=[p.pmid for p in chunk if p.pmid and not p.doi],
            )
            now = timezone.now()
            for pub in chunk:
                info = result.get(("doi", pub.doi or "")) or result.get(("pmid", pub.pmid or ""))
                if info:
                    found += 1
                    pub.openalex_id = info["openalex_id"][:32]
                    pub.citation_count = info["cited_by_count"]
                    pub.references = info["references"]
                pub.citations_updated_at = now
            Publication.objects.bulk_update(
                chunk, ["openalex_id", "citation_count", "references", "citations_updated_at"]
            )
            if ctx:
                ctx.check_cancelled()
                ctx.progress(
                    90 * (start + len(chunk)) / len(pubs), f"{start + len(chunk)} / {len(pubs)}"
                )
    except ConnectorError as exc:
        raise JobError(
            coded("bibliometrics.citations_failed", **connector_error_params(exc))
        ) from exc
    finally:
        source.fetch.close()
    indicators_refresh()
    return {"checked": len(pubs), "found": found}


def citations_refresh_enqueue(*, by=None) -> Job:
    return job_enqueue(
        kind=CITATIONS_KIND,
        title="bibliometrics.citations_title",
        kwargs={},
        by=by,
    )
