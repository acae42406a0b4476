"""Writing Table Schemas and nomenclatures into the catalogue (one transaction per import).

Rules (documented in the import form and the command's help):

* **Malformed input is all-or-nothing.** Files are parsed and checked before anything is
  written: malformed JSON, an unknown field type, a key citing a column that is not
  there, a nomenclature CSV that does not match its schema → :class:`SchemaErrors` naming
  each file and field, and the catalogue is left as it was.
* **A foreign key to a table that is not in the catalogue is kept and reported.** The SNDS
  is imported product by product (and the demo ships a subset), so a key such as
  ER_PRS_F → DA_PRA_R is legitimate before DA_PRA_R is imported. The key is stored with
  the target table's name, listed in the import's ``unresolved_keys``, shown as
  "table absente du catalogue" on the table page, and resolved by the import that brings
  the table. ``strict=True`` (``--strict``) turns those keys into errors instead.
* **Re-importing updates in place.** Tables, variables, keys and nomenclatures are matched
  by name; only what differs is written (with a history record); variables and keys that
  disappeared from a re-imported table are removed. Curated fields the SNDS files do not
  carry (a table's description, a variable's unit) are kept when the file leaves them empty.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from portal.actors import actor_user
from portal.audit import audit_record

from .. import search
from ..bulk import insert_rows
from ..models import Database, ImportRun, JoinKey, Nomenclature, NomenclatureValue, Table, Variable
from ..tableschema import (
    FIELD_COLUMNS,
    TABLE_COLUMNS,
    NomenclatureSpec,
    SchemaError,
    SchemaErrors,
    TableSpec,
    check_foreign_keys,
    read_nomenclatures,
    read_table_schemas,
)

MAX_CHANGES_STORED = 2000
BATCH = 5000
CHANGE_REASON = "import Table Schema"


@dataclass
class _Changes:
    items: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, model: str, action: str, name: str, fields: dict | None = None) -> None:
        key = f"{model}.{action}"
        self.counts[key] = self.counts.get(key, 0) + 1
        if len(self.items) < MAX_CHANGES_STORED:
            item = {"model": model, "action": action, "name": name}
            if fields:
                item["fields"] = fields
            self.items.append(item)


def _diff(obj, values: dict[str, Any]) -> dict[str, list]:
    return {k: [getattr(obj, k), v] for k, v in values.items() if getattr(obj, k) != v}


def _table_values(spec: TableSpec, current: Table | None) -> dict[str, Any]:
    values = {column: getattr(spec, attr) for attr, column in TABLE_COLUMNS.items()}
    values["primary_key"] = list(spec.primary_key)
    if spec.description or current is None:
        values["description"] = spec.description
    return values


def _variable_values(f, position: int, nomenclature_id, current: Variable | None) -> dict:
    values = {column: getattr(f, attr) for attr, column in FIELD_COLUMNS.items()}
    values.update(position=position, nomenclature_id=nomenclature_id)
    if f.unit or current is None:
        values["unit"] = f.unit
    return values


def _digest(spec: NomenclatureSpec) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([spec.fields, spec.code_field, spec.label_field]).encode())
    for code, label, extra in spec.values:
        h.update(json.dumps([code, label, extra], ensure_ascii=False).encode())
    return h.hexdigest()


def _stamp(obj, values: dict[str, Any]) -> None:
    """Give a row that changed the import's ``values`` and the time of the change."""
    for k, v in values.items():
        setattr(obj, k, v)
    obj.updated_at = timezone.now()


def _write(model, to_create: list, to_update: list, fields: list[str], *, by) -> None:
    """Insert the new rows and save the ``fields`` of the changed ones, in batches, each
    with its history record."""
    if to_create:
        bulk_create_with_history(
            to_create, model, batch_size=BATCH, default_user=by, default_change_reason=CHANGE_REASON
        )
    if to_update:
        bulk_update_with_history(
            to_update,
            model,
            fields,
            batch_size=BATCH,
            default_user=by,
            default_change_reason=CHANGE_REASON,
        )


def _sync_nomenclatures(specs: list[NomenclatureSpec], *, by, changes: _Changes) -> list:
    """Create or update nomenclatures; values are replaced when they changed."""
    existing = {n.name: n for n in Nomenclature.objects.filter(name__in=[s.name for s in specs])}
    to_create, to_update, refill = [], [], []
    fields = [
        "title",
        "description",
        "source",
        "fields",
        "primary_key",
        "code_field",
        "label_field",
    ]
    for spec in specs:
        values = {
            "title": spec.title,
            "description": spec.description,
            "source": spec.source,
            "fields": spec.fields,
            "primary_key": list(spec.primary_key),
            "code_field": spec.code_field,
            "label_field": spec.label_field,
        }
        digest = _digest(spec)
        nom = existing.get(spec.name)
        if nom is None:
            nom = Nomenclature(name=spec.name, values_digest=digest, **values)
            to_create.append(nom)
            refill.append((nom, spec))
            changes.add("nomenclature", "created", spec.name)
            continue
        diff = _diff(nom, values)
        if nom.values_digest != digest:
            before = nom.values.count()
            diff["values"] = [before, len(spec.values)]
            nom.values_digest = digest
            refill.append((nom, spec))
        if diff:
            _stamp(nom, values)
            to_update.append(nom)
            changes.add("nomenclature", "updated", spec.name, diff)
    _write(Nomenclature, to_create, to_update, [*fields, "values_digest", "updated_at"], by=by)
    refilled = [nom for nom, _ in refill]
    NomenclatureValue.objects.filter(nomenclature__in=[n for n in refilled if n.pk]).delete()
    insert_rows(
        NomenclatureValue,
        ["nomenclature", "position", "code", "label", "extra"],
        (
            (nom.pk, position, code, label, extra)
            for nom, spec in refill
            for position, (code, label, extra) in enumerate(spec.values, start=1)
        ),
    )
    return [*to_create, *to_update], refilled


def _sync_tables(database: Database, specs: list[TableSpec], *, by, changes: _Changes):
    existing = {t.name: t for t in database.tables.filter(name__in=[s.name for s in specs])}
    to_create, to_update = [], []
    for spec in specs:
        table = existing.get(spec.name)
        values = _table_values(spec, table)
        if table is None:
            table = Table(database=database, name=spec.name, **values)
            to_create.append(table)
            changes.add("table", "created", spec.name)
            existing[spec.name] = table
            continue
        diff = _diff(table, values)
        if diff:
            _stamp(table, values)
            to_update.append(table)
            changes.add("table", "updated", spec.name, diff)
    fields = sorted({k for s in specs for k in _table_values(s, existing[s.name])})
    _write(Table, to_create, to_update, [*fields, "updated_at"], by=by)
    return existing


def _sync_variables(
    tables: dict[str, Table],
    specs: list[TableSpec],
    nomenclature_ids: dict[str, int],
    *,
    by,
    changes: _Changes,
) -> list[str]:
    """Variables of the imported tables; returns nomenclature references left unresolved."""
    table_ids = [tables[s.name].pk for s in specs]
    existing: dict[tuple[int, str], Variable] = {
        (v.table_id, v.name): v for v in Variable.objects.filter(table_id__in=table_ids)
    }
    to_create, to_update, seen = [], [], set()
    missing_nomenclatures: set[str] = set()
    update_fields: set[str] = set()
    for spec in specs:
        table = tables[spec.name]
        for position, f in enumerate(spec.fields, start=1):
            nom_id = nomenclature_ids.get(f.nomenclature) if f.nomenclature else None
            if f.nomenclature and nom_id is None:
                missing_nomenclatures.add(f.nomenclature)
            key = (table.pk, f.name)
            seen.add(key)
            var = existing.get(key)
            values = _variable_values(f, position, nom_id, var)
            label = f"{spec.name}.{f.name}"
            if var is None:
                to_create.append(Variable(table=table, name=f.name, **values))
                changes.add("variable", "created", label)
                continue
            diff = _diff(var, values)
            if diff:
                _stamp(var, values)
                update_fields.update(values)
                to_update.append(var)
                # the rank alone moving is noise in the change log
                if set(diff) != {"position"}:
                    changes.add("variable", "updated", label, diff)
    for key, var in existing.items():
        if key not in seen:
            var._change_reason = CHANGE_REASON
            var.delete()
            changes.add("variable", "removed", f"{var.table.name}.{var.name}")
    _write(Variable, to_create, to_update, [*sorted(update_fields), "updated_at"], by=by)
    return sorted(missing_nomenclatures)


def _sync_keys(
    database: Database, tables: dict[str, Table], specs: list[TableSpec], *, by, changes: _Changes
) -> list[dict]:
    """Join keys of the imported tables; returns the keys whose target is not there."""
    names = {t.name: t for t in database.tables.all()}
    existing = {
        (k.from_table_id, k.signature): k
        for k in JoinKey.objects.filter(from_table__in=[tables[s.name] for s in specs])
    }
    to_create, to_update, seen, unresolved = [], [], set(), []
    for spec in specs:
        table = tables[spec.name]
        for fk in spec.foreign_keys:
            target_name = fk.resource or spec.name
            target = names.get(target_name)
            signature = JoinKey.make_signature(fk.fields, target_name, fk.reference_fields)
            key = (table.pk, signature)
            seen.add(key)
            label = f"{spec.name}({', '.join(fk.fields)}) → {signature.split('->')[1]}"
            if target is None:
                unresolved.append(
                    {
                        "file": spec.path,
                        "table": spec.name,
                        "fields": list(fk.fields),
                        "reference": target_name,
                        "reference_fields": list(fk.reference_fields),
                    }
                )
            current = existing.get(key)
            if current is None:
                to_create.append(
                    JoinKey(
                        from_table=table,
                        from_columns=list(fk.fields),
                        to_table=target,
                        to_table_name=target_name,
                        to_columns=list(fk.reference_fields),
                        signature=signature,
                    )
                )
                changes.add("joinkey", "created", label)
            elif current.to_table_id != (target.pk if target else None):
                current.to_table = target
                to_update.append(current)
                changes.add("joinkey", "updated", label, {"resolved": [False, target is not None]})
    for key, jk in existing.items():
        if key not in seen:
            jk._change_reason = CHANGE_REASON
            jk.delete()
            changes.add("joinkey", "removed", str(jk))
    _write(JoinKey, to_create, to_update, ["to_table"], by=by)
    # Keys imported earlier that wait for one of these tables.
    waiting = list(
        JoinKey.objects.filter(
            from_table__database=database, to_table__isnull=True, to_table_name__in=list(tables)
        )
    )
    for jk in waiting:
        jk.to_table = tables[jk.to_table_name]
        changes.add("joinkey", "updated", str(jk), {"resolved": [False, True]})
    _write(JoinKey, [], waiting, ["to_table"], by=by)
    return unresolved


def tableschema_import(
    *,
    paths: Sequence[Path | str],
    database: str,
    nomenclatures: Path | str | None = None,
    by=None,
    strict: bool = False,
    database_name: str = "",
    kind: str = ImportRun.Kind.TABLESCHEMA,
) -> ImportRun:
    """Import Table Schema files (files or folders) into ``database`` (its acronym).

    ``nomenclatures`` is a folder of ``NAME.json`` + ``NAME.csv``. Raises
    :class:`SchemaErrors` (every problem, each naming its file and field) and writes nothing
    when the input is bad. Returns the :class:`ImportRun` that records what changed.
    """
    started = time.perf_counter()
    table_specs = read_table_schemas(paths) if paths else []
    nomenclature_specs = read_nomenclatures(nomenclatures) if nomenclatures else []
    changes = _Changes()
    with transaction.atomic():
        db, db_created = Database.objects.get_or_create(
            acronym=database, defaults={"name": database_name or database}
        )
        if db_created:
            audit_record(actor=by, action="catalogue.database_create", target=db)
        known_columns: dict[str, set[str]] = {}
        for table_name, var_name in Variable.objects.filter(table__database=db).values_list(
            "table__name", "name"
        ):
            known_columns.setdefault(table_name, set()).add(var_name)
        errors, unresolved_specs = check_foreign_keys(table_specs, known_columns)
        if strict:
            errors += [
                SchemaError(
                    spec.path,
                    "foreign_key_absent_table",
                    field=", ".join(fk.fields),
                    table=fk.resource,
                )
                for spec, fk in unresolved_specs
            ]
        if errors:
            raise SchemaErrors(errors)

        changed_noms, refilled = _sync_nomenclatures(nomenclature_specs, by=by, changes=changes)
        nomenclature_ids = dict(Nomenclature.objects.values_list("name", "pk"))
        tables = _sync_tables(db, table_specs, by=by, changes=changes)
        missing_noms = _sync_variables(
            tables, table_specs, nomenclature_ids, by=by, changes=changes
        )
        unresolved = _sync_keys(db, tables, table_specs, by=by, changes=changes)

        search.index_object(db)
        search.index_tables(database=db)
        if changed_noms:
            search.index_nomenclatures([n for n in changed_noms if n not in refilled], values=False)
        if refilled:
            search.index_nomenclatures(refilled, values=True)
        search.words_refresh()

        summary = {
            "tables": len(table_specs),
            "variables": sum(len(s.fields) for s in table_specs),
            "join_keys": sum(len(s.foreign_keys) for s in table_specs),
            "nomenclatures": len(nomenclature_specs),
            "nomenclature_values": sum(len(s.values) for s in nomenclature_specs),
            "nomenclatures_without_values": sorted(
                s.name for s in nomenclature_specs if not s.has_values_file
            ),
            "unresolved_keys": len(unresolved),
            "missing_nomenclatures": missing_noms,
            "changes": changes.counts,
        }
        run = ImportRun.objects.create(
            database=db,
            kind=kind,
            source=", ".join(str(p) for p in paths)[:1000],
            created_by=actor_user(by),
            summary=summary,
            changes=changes.items,
            unresolved_keys=unresolved,
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        audit_record(
            actor=by,
            action="catalogue.import",
            target=run,
            changes={"database": db.acronym, **changes.counts},
        )
    return run
