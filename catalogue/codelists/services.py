"""Writes of the code lists: referentials loaded, lists created and versioned (audited)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.messages import coded

from . import referentials
from .models import CodeList, CodeListItem, CodeListVersion, ReferentialCode
from .referentials import Code, ReferentialError, fold

BATCH = 5000


Progress = Callable[[float, str], None]


def _read(source: str, n: int) -> str:
    return coded("codelists.read", source=source, n=n)


def _store(
    codes: Iterable[Code], *, source: str, systems: set[str], progress: Progress | None = None
) -> int:
    """Replace the codes of ``source`` for ``systems`` by ``codes``, in one transaction. A
    code the OMOP vocabulary brought is replaced by the same code of any other source (the
    nomenclatures and the drug referentials carry the labels, products and substances),
    whichever was loaded first."""
    total = len(codes) if isinstance(codes, list) else 0
    n = 0

    def flush(batch: list[ReferentialCode]) -> None:
        if source != "OMOP":
            for system in {r.system for r in batch}:
                ReferentialCode.objects.filter(
                    source="OMOP", system=system, code__in=[r.code for r in batch if r.system == system]
                ).delete()  # fmt: skip
        ReferentialCode.objects.bulk_create(batch, ignore_conflicts=True)

    with transaction.atomic():
        ReferentialCode.objects.filter(source=source, system__in=systems).delete()
        batch = []
        for c in codes:
            batch.append(ReferentialCode(
                system=c.system, code=c.code, label=c.label[:500], parent=c.parent,
                level=c.level, search_text=fold(f"{c.code} {c.label} {c.words}"),
                extra=c.extra, source=source,
            ))  # fmt: skip
            if len(batch) >= BATCH:
                flush(batch)
                n += len(batch)
                batch = []
                if progress and total:
                    progress(10 + 85 * n / total,
                             coded("codelists.stored", source=source, n=n, total=total))  # fmt: skip
        flush(batch)
        n += len(batch)
    return n


def referentials_load_shipped(*, by=None) -> int:
    """CIM-10, CCAM, NGAP, NABM and LPP from the nomenclatures the portal ships."""
    systems = {referentials.System.CIM10, referentials.System.CCAM, referentials.System.NGAP,
               referentials.System.NABM, referentials.System.LPP}  # fmt: skip
    n = _store(referentials.shipped_codes(), source="snds-nomenclatures", systems=systems)
    with transaction.atomic():
        audit_record(actor=by, action="codelists.referentials_load",
                     changes={"source": "snds-nomenclatures", "codes": n})  # fmt: skip
    return n


def referential_import_ir_pha_r(*, path: Path, by=None, progress: Progress | None = None) -> int:
    """The SNDS drug referential: ATC levels, products and CIP13 boxes. Refused whole, with
    what was expected, when the file is not IR_PHA_R."""
    codes = list(referentials.ir_pha_r_codes(Path(path)))
    if progress:
        progress(10, _read("IR_PHA_R", len(codes)))
    systems = {referentials.System.ATC, referentials.System.CIP13}
    n = _store(codes, source="IR_PHA_R", systems=systems, progress=progress)
    with transaction.atomic():
        audit_record(actor=by, action="codelists.referentials_load",
                     changes={"source": "IR_PHA_R", "file": Path(path).name, "codes": n})  # fmt: skip
    return n


def referential_import_bdpm(
    *, cis: Path, cis_cip: Path, compo: Path, by=None, progress: Progress | None = None
) -> int:
    """The ANSM's BDPM: boxes named after their product, searchable by substance. A box
    IR_PHA_R already knows keeps its ATC parent and gains the BDPM names."""
    codes = list(referentials.bdpm_codes(Path(cis), Path(cis_cip), Path(compo)))
    if progress:
        progress(10, _read("BDPM", len(codes)))
    cip13 = referentials.System.CIP13
    # where each box already sits: under a product (PROD-…) under its ATC substance
    known = dict(
        ReferentialCode.objects.filter(
            system=cip13, code__in=[c.code for c in codes if not c.code.startswith("PROD-")]
        ).values_list("code", "parent")
    )
    product_atc = dict(
        ReferentialCode.objects.filter(system=cip13, code__startswith="PROD-").values_list(
            "code", "parent"
        )
    )
    atc_of_product: dict[str, str] = {}
    for c in codes:
        if c.code in known:
            box_parent = known[c.code]
            atc = product_atc.get(box_parent, "") if box_parent.startswith("PROD-") else box_parent
            if atc:
                atc_of_product.setdefault(c.parent, atc)
    for c in codes:
        if c.code.startswith("PROD-"):
            c.parent = atc_of_product.get(c.code, "")
    with transaction.atomic():
        ReferentialCode.objects.filter(system=cip13, code__in=list(known)).delete()
        n = _store(codes, source="BDPM", systems={cip13}, progress=progress)
        # the IR_PHA_R products whose boxes the BDPM's products took over
        ReferentialCode.objects.filter(
            system=cip13, source="IR_PHA_R", code__startswith="PROD-"
        ).exclude(code__in=ReferentialCode.objects.filter(system=cip13).values("parent")).delete()
        audit_record(actor=by, action="codelists.referentials_load",
                     changes={"source": "BDPM", "codes": n})  # fmt: skip
    return n


def referential_import_omop_vocabulary(*, by=None, progress: Progress | None = None) -> int:
    """The ATC, BDPM, CIM10 and CCAM concepts of the loaded OMOP vocabulary, as codes of
    their systems (source ``OMOP``) beside those of the other referentials: a code another
    referential already holds keeps its entry there; the others become searchable, in
    their hierarchy, and can go into a list."""
    from omop.etl.generator import cip13
    from omop.vocabulary import store
    from omop.vocabulary.selectors import concepts_of_vocabularies

    if not store.is_loaded():
        raise ReferentialError("no_vocabulary")
    concepts = concepts_of_vocabularies(list(referentials.OMOP_VOCABULARIES))
    codes = list(referentials.omop_codes(concepts, cip13))
    if progress:
        progress(10, _read("OMOP", len(codes)))
    systems = set(referentials.OMOP_VOCABULARIES.values())
    n = _store(codes, source="OMOP", systems=systems, progress=progress)
    with transaction.atomic():
        audit_record(actor=by, action="codelists.referentials_load",
                     changes={"source": "OMOP", "codes": n})  # fmt: skip
    return n


class ImportSource:
    """The referentials the data team imports from the portal (closed list)."""

    IR_PHA_R = "IR_PHA_R"
    BDPM = "BDPM"
    OMOP = "OMOP"
    # the files each one needs: form field → file name kept in the job's folder
    FILES = {
        IR_PHA_R: {"ir_pha_r": "IR_PHA_R.csv"},
        BDPM: {part: name for part, (name, _n) in referentials.BDPM_FILES.items()},
        OMOP: {},  # read from the vocabulary loaded in the portal
    }


JOB_KIND = "codelists.referential_import"


def _imports_root() -> Path:
    return Path(settings.PRIVATE_ROOT) / "codelists-imports"


def referential_import_start(*, source: str, files: dict, by):
    """Check the uploaded drug referential by its content and size, keep it in a private
    folder, and queue its import as a job (``codelists.import_referential``) that reports
    its progress. A file in the wrong format is refused now, with what was expected
    (ReferentialError); nothing is queued then."""
    from portal.jobs import job_enqueue

    expected = ImportSource.FILES[source]
    if source == ImportSource.OMOP:
        from omop.vocabulary import store

        if not store.is_loaded():
            raise ReferentialError("no_vocabulary")
    limit = settings.CODELISTS_UPLOAD_MAX_BYTES
    for part, name in expected.items():
        upload = files.get(part)
        if upload is None:
            raise ReferentialError("missing_file", file=name)
    if expected and sum(files[part].size for part in expected) > limit:
        raise ReferentialError(
            "upload_too_large", file=", ".join(files[p].name for p in expected),
            limit=filesizeformat(limit),
        )  # fmt: skip
    folder = _imports_root() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    try:
        for part, name in expected.items():
            with (folder / name).open("wb") as out:
                for chunk in files[part].chunks():
                    out.write(chunk)
            if source == ImportSource.IR_PHA_R:
                referentials.ir_pha_r_check(folder / name)
            else:
                referentials.bdpm_check(folder / name, part)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job_enqueue(
        kind=JOB_KIND,
        title=coded("codelists.title", source=source),
        kwargs={"source": source, "folder": str(folder), "user_id": by.pk},
        by=by,
    )


def referential_import_stored(
    *, source: str, folder: Path, by, progress: Progress | None = None
) -> int:
    """The import a job runs on the files :func:`referential_import_start` kept."""
    folder = Path(folder)
    if source == ImportSource.OMOP:
        return referential_import_omop_vocabulary(by=by, progress=progress)
    if source == ImportSource.IR_PHA_R:
        return referential_import_ir_pha_r(path=folder / "IR_PHA_R.csv", by=by, progress=progress)
    names = ImportSource.FILES[ImportSource.BDPM]
    return referential_import_bdpm(
        cis=folder / names["cis"], cis_cip=folder / names["cis_cip"], compo=folder / names["compo"],
        by=by, progress=progress,
    )  # fmt: skip


def _items(items: list[dict]) -> list[dict]:
    """Validated items: known system, code present in the referential (unknown codes are a
    ReferentialError naming each one with its position)."""
    unknown = []
    clean = []
    for position, item in enumerate(items, start=1):
        system, code = item["system"], str(item["code"]).strip().upper().replace(".", "")
        if system not in referentials.System.ALL:
            unknown.append({"line": position, "system": system, "code": code})
            continue
        clean.append({**item, "system": system, "code": code})
    present = set(
        ReferentialCode.objects.filter(code__in=[i["code"] for i in clean]).values_list(
            "system", "code"
        )
    )
    for position, item in enumerate(clean, start=1):
        if (item["system"], item["code"]) not in present:
            unknown.append({"line": position, "system": item["system"], "code": item["code"]})
    if unknown:
        raise ReferentialError("unknown_codes", codes=unknown)
    return clean


def _new_version(code_list: CodeList, *, items: list[dict], by, comment: str) -> CodeListVersion:
    number = (
        code_list.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = CodeListVersion.objects.create(
        code_list=code_list, number=number, created_by=by, comment=comment[:500]
    )
    CodeListItem.objects.bulk_create(
        CodeListItem(
            version=version, system=i["system"], code=i["code"],
            include_descendants=bool(i.get("include_descendants", True)),
            excluded=bool(i.get("excluded", False)),
        )
        for i in items
    )  # fmt: skip
    return version


def code_list_create(
    *,
    name: str,
    by,
    items: list[dict],
    description: str = "",
    rationale: str = "",
    dossier=None,
    comment: str = "",
) -> CodeList:
    """A new list and its version 1. Raises ReferentialError("unknown_codes") when an item
    names a code the referentials do not hold; nothing is written then."""
    clean = _items(items)
    with transaction.atomic():
        code_list = CodeList.objects.create(
            name=name[:200], description=description, rationale=rationale, author=by,
            dossier=dossier,
        )  # fmt: skip
        version = _new_version(code_list, items=clean, by=by, comment=comment or "création")
        audit_record(actor=by, action="codelists.create", target=code_list,
                     changes={"version": version.number, "items": len(clean)})  # fmt: skip
    return code_list


def code_list_update(
    *, code_list: CodeList, by, items: list[dict] | None = None, comment: str = "", **fields
) -> CodeListVersion:
    """Every change makes a new version (the old ones stay readable)."""
    latest = code_list.latest
    if items is None:
        items = [
            {"system": i.system, "code": i.code, "include_descendants": i.include_descendants,
             "excluded": i.excluded}
            for i in latest.items.all()
        ]  # fmt: skip
    clean = _items(items)
    with transaction.atomic():
        before = {k: getattr(code_list, k) for k in fields}
        for k, v in fields.items():
            setattr(code_list, k, v)
        if fields:
            code_list.save(update_fields=list(fields))
        version = _new_version(code_list, items=clean, by=by, comment=comment or "modification")
        audit_record(
            actor=by, action="codelists.update", target=code_list,
            changes={**{k: [before[k], fields[k]] for k in fields},
                     "version": [latest.number if latest else None, version.number]},
        )  # fmt: skip
    return version


def code_list_items_add(
    *, code_list: CodeList, items: list[dict], by, comment: str = ""
) -> CodeListVersion:
    """Add codes to a list from the browse and search pages: a new version with the
    latest items and these (a code already in the list takes the new flags)."""
    latest = code_list.latest
    merged = {
        (i.system, i.code): {"system": i.system, "code": i.code, "excluded": i.excluded,
                             "include_descendants": i.include_descendants}
        for i in (latest.items.all() if latest else [])
    }  # fmt: skip
    for item in items:
        merged[(item["system"], str(item["code"]).strip().upper())] = item
    added = ", ".join(f"{i['system']} {i['code']}" for i in items)
    return code_list_update(
        code_list=code_list, by=by, items=list(merged.values()),
        comment=comment or _("ajout : %(codes)s") % {"codes": added},
    )  # fmt: skip


def code_list_attach(*, version: CodeListVersion, dossier, by) -> CodeList:
    """Attach a list to a dossier when one of its versions is given to the dossier's
    requested data: from then on its visibility follows the dossier's (the team and the
    Guichet see it; the Guichet may propose a corrected version). A list already on
    another dossier cannot be attached."""
    from access_requests.services import DossierError

    from .selectors import versions_attachable

    if not versions_attachable(by, dossier).filter(pk=version.pk).exists():
        raise DossierError(_("Cette liste de codes ne peut pas être jointe à ce dossier."))
    code_list = version.code_list
    if code_list.dossier_id is None:
        with transaction.atomic():
            code_list.dossier = dossier
            code_list.save(update_fields=["dossier"])
            audit_record(actor=by, action="codelists.attach", target=code_list,
                         changes={"dossier": [None, dossier.reference]})  # fmt: skip
    return code_list
