"""Read, check and write Frictionless Table Schemas in the format of the HDH ``schema-snds``.

Plain Python (no Django): the import service turns what this module returns into rows.

* :func:`read_table_schemas` walks files or folders and returns one :class:`TableSpec` per
  ``*.json`` table schema (fields, primary key, foreign keys, SNDS extras such as
  ``produit``, ``regle_gestion``, ``dateCreated``).
* :func:`read_nomenclatures` reads a folder of nomenclatures (``NAME.json`` schema +
  ``NAME.csv`` values, ``;``-separated) and checks each CSV against its schema.
* :func:`check_foreign_keys` tells which foreign keys point at a table that is not there.

Every problem is a :class:`SchemaError` naming the file and, when there is one, the field,
with a code and its parameters that the Django layer words (``catalogue.labels``). All
problems of a run are collected and raised together as :class:`SchemaErrors`, so a curator
fixes a batch of files in one go.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Frictionless Table Schema field types (v1).
FIELD_TYPES = frozenset(
    {
        "string",
        "number",
        "integer",
        "boolean",
        "object",
        "array",
        "date",
        "time",
        "datetime",
        "year",
        "yearmonth",
        "duration",
        "geopoint",
        "geojson",
        "any",
    }
)
NO_NOMENCLATURE = {"", "-", None}
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


class SchemaError(ValueError):
    """One problem in one file (and field, when it is about a field): a stable ``code``
    (``json_malformed``, ``unknown_type``, ``csv_bad_value``…) and its ``params``; this
    module speaks no language, ``catalogue.labels`` words the code for the reader."""

    def __init__(self, path: Path | str, code: str, *, field: str | None = None, **params: Any):
        self.path = str(path)
        self.field = field
        self.code = code
        self.params = params
        where = f"{self.path}" + (f", {field}" if field else "")
        super().__init__(f"{where}: {code} {params}" if params else f"{where}: {code}")

    def as_dict(self) -> dict:
        """What a job stores to word this error later (JSON)."""
        return {"path": self.path, "field": self.field, "code": self.code, "params": self.params}


class SchemaErrors(ValueError):
    """Every problem found in one run."""

    def __init__(self, errors: list[SchemaError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class FieldSpec:
    name: str
    type: str = "string"
    description: str = ""
    length: str = ""
    format: str = "default"
    nomenclature: str = ""  # the nomenclature's name ("IR_BER_V"), "" when none
    nomenclature_ref: str = ""  # as written ("IR_BER_V:BEN_RNG_GEM")
    created: str = ""
    deleted: str = ""
    date_missing: list = field(default_factory=list)
    observation: str = ""
    management_rules: str = ""
    unit: str = ""
    oracle_type: str = ""
    constraints: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # keys we keep but do not model


@dataclass
class ForeignKeySpec:
    fields: tuple[str, ...]
    resource: str  # the referenced table ("" = the same table, as Frictionless says)
    reference_fields: tuple[str, ...]


@dataclass
class TableSpec:
    name: str
    path: str
    title: str = ""
    product: str = ""
    description: str = ""
    scope: str = ""  # "champ"
    observation: str = ""
    created: str = ""
    deleted: str = ""
    date_missing: list = field(default_factory=list)
    missing_values: list = field(default_factory=lambda: [""])
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKeySpec] = field(default_factory=list)
    fields: list[FieldSpec] = field(default_factory=list)

    @property
    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}


# The catalogue's column for each attribute of a spec that is stored as it is read (the
# import writes them, the Data Package export reads them back): a new one is added here.
TABLE_COLUMNS = {
    "title": "title",
    "product": "product",
    "scope": "scope",
    "observation": "observations",
    "created": "created",
    "deleted": "deleted",
    "date_missing": "date_missing",
    "missing_values": "missing_values",
}
FIELD_COLUMNS = {
    "type": "type",
    "description": "description",
    "length": "length",
    "format": "format",
    "nomenclature_ref": "nomenclature_ref",
    "created": "created",
    "deleted": "deleted",
    "date_missing": "date_missing",
    "observation": "observations",
    "management_rules": "management_rules",
    "oracle_type": "oracle_type",
    "constraints": "constraints",
    "extra": "extra",
}


@dataclass
class NomenclatureSpec:
    name: str
    path: str
    title: str = ""
    description: str = ""
    source: str = ""  # the folder it came from (ORAVAL, ATIH, …)
    fields: list[dict] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    code_field: str = ""
    label_field: str = ""
    # (code, label, {other column: value}) in file order
    values: list[tuple[str, str, dict]] = field(default_factory=list)
    has_values_file: bool = True


def normalize(text: str | None) -> str:
    """Accent-stripped, lower-cased text: "Décès" → "deces" (search and comparisons)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value in (None, "", []):
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def _load_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise SchemaError(
            path, "json_malformed", line=exc.lineno, column=exc.colno, detail=exc.msg
        ) from exc
    except UnicodeDecodeError as exc:
        raise SchemaError(path, "not_utf8") from exc


def iter_json_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """The ``*.json`` files of ``paths`` (files as given, folders walked recursively)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise SchemaError(path, "not_found")


_TABLE_TEXT = ("name", "title", "produit", "product", "description", "champ", "observation")
_FIELD_TEXT = (
    "name",
    "type",
    "description",
    "length",
    "format",
    "nomenclature",
    "dateCreated",
    "dateDeleted",
    "observation",
    "regle_gestion",
    "unit",
    "type_oracle",
)


def _is_text(value: Any) -> bool:
    """Text, or a number written without quotes ("length": 8); never a list or an object."""
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def _is_names(value: Any) -> bool:
    """A field name or a list of field names (``primaryKey``, key ``fields``)."""
    return (
        value is None
        or isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    )


def _type_errors(data: dict, path: Path | str) -> list[SchemaError]:
    """Every property of the wrong JSON type, so that nothing is stored as Python text
    (``"{'a': 1}"``) and no wrong type reaches the import."""
    errors: list[SchemaError] = []

    def wrong(key: str, expected: str, field: str | None = None) -> None:
        # expected: text, names, list, object or foreign_keys
        errors.append(
            SchemaError(path, "wrong_type", field=field or key, key=key, expected=expected)
        )

    for key in _TABLE_TEXT:
        if not _is_text(data.get(key)):
            wrong(key, "text")
    if not _is_names(data.get("primaryKey")):
        wrong("primaryKey", "names")
    if not isinstance(data.get("missingValues") or [], list):
        wrong("missingValues", "list")
    if not isinstance(data.get("history") or {}, dict):
        wrong("history", "object")
    foreign_keys = data.get("foreignKeys") or []
    if not isinstance(foreign_keys, list):
        wrong("foreignKeys", "list")
        foreign_keys = []
    for raw in foreign_keys:
        if not isinstance(raw, dict):
            continue  # reported by the parser: foreign_key_no_reference
        reference = raw.get("reference")
        if not _is_names(raw.get("fields")) or (
            isinstance(reference, dict)
            and not (_is_names(reference.get("fields")) and _is_text(reference.get("resource")))
        ):
            wrong("foreignKeys", "foreign_keys")
    for raw in data.get("fields") if isinstance(data.get("fields"), list) else []:
        if not isinstance(raw, dict):
            continue
        name = raw.get("name") if isinstance(raw.get("name"), str) else None
        for key in _FIELD_TEXT:
            if not _is_text(raw.get(key)):
                wrong(key, "text", field=name)
        if not isinstance(raw.get("dateMissing") or [], list):
            wrong("dateMissing", "list", field=name)
    return errors


def parse_table_schema(data: Any, path: Path | str) -> TableSpec:
    """A :class:`TableSpec` from the parsed JSON of one table schema."""
    if not isinstance(data, dict):
        raise SchemaError(path, "not_an_object")
    if errors := _type_errors(data, path):
        raise SchemaErrors(errors)
    name = _text(data.get("name")) or Path(path).stem
    fields_data = data.get("fields")
    if not isinstance(fields_data, list) or not fields_data:
        raise SchemaError(path, "no_fields", field="fields")
    errors: list[SchemaError] = []
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    known_keys = {*_FIELD_TEXT, "dateMissing", "constraints"}
    for position, raw in enumerate(fields_data, start=1):
        if not isinstance(raw, dict) or not raw.get("name"):
            errors.append(SchemaError(path, "unnamed_field", position=position))
            continue
        fname = str(raw["name"])
        ftype = _text(raw.get("type")) or "string"
        if ftype not in FIELD_TYPES:
            errors.append(
                SchemaError(
                    path, "unknown_type", field=fname, type=ftype, types=sorted(FIELD_TYPES)
                )
            )
            continue
        if fname in seen:
            errors.append(SchemaError(path, "duplicate_field", field=fname))
            continue
        seen.add(fname)
        nomenclature_ref = _text(raw.get("nomenclature")).strip()
        if nomenclature_ref in NO_NOMENCLATURE:
            nomenclature_ref = ""
        constraints = raw.get("constraints") or {}
        if not isinstance(constraints, dict):
            errors.append(
                SchemaError(path, "wrong_type", field=fname, key="constraints", expected="object")
            )
            constraints = {}
        fields.append(
            FieldSpec(
                name=fname,
                type=ftype,
                description=_text(raw.get("description")),
                length=_text(raw.get("length")),
                format=_text(raw.get("format")) or "default",
                nomenclature=nomenclature_ref.split(":", 1)[0].strip(),
                nomenclature_ref=nomenclature_ref,
                created=_text(raw.get("dateCreated")),
                deleted=_text(raw.get("dateDeleted")),
                date_missing=list(raw.get("dateMissing") or []),
                observation=_text(raw.get("observation")),
                management_rules=_text(raw.get("regle_gestion")),
                unit=_text(raw.get("unit")),
                oracle_type=_text(raw.get("type_oracle")),
                constraints=constraints,
                extra={k: v for k, v in raw.items() if k not in known_keys},
            )
        )
    names = {f.name for f in fields}
    primary_key = _as_tuple(data.get("primaryKey"))
    for key in primary_key:
        if key not in names:
            errors.append(SchemaError(path, "primary_key_unknown_field", field=key))
    foreign_keys: list[ForeignKeySpec] = []
    for raw in data.get("foreignKeys") or []:
        reference = raw.get("reference") if isinstance(raw, dict) else None
        if not isinstance(reference, dict):
            errors.append(SchemaError(path, "foreign_key_no_reference", field="foreignKeys"))
            continue
        fk = ForeignKeySpec(
            fields=_as_tuple(raw.get("fields")),
            resource=_text(reference.get("resource")),
            reference_fields=_as_tuple(reference.get("fields")),
        )
        if not fk.fields or len(fk.fields) != len(fk.reference_fields):
            errors.append(
                SchemaError(
                    path,
                    "foreign_key_mismatch",
                    field=", ".join(fk.fields) or "foreignKeys",
                    fields=list(fk.fields),
                    resource=fk.resource,
                    reference_fields=list(fk.reference_fields),
                )
            )
            continue
        for key in fk.fields:
            if key not in names:
                errors.append(SchemaError(path, "foreign_key_unknown_field", field=key))
        foreign_keys.append(fk)
    if errors:
        raise SchemaErrors(errors)
    history = data.get("history") or {}
    return TableSpec(
        name=name,
        path=str(path),
        title=_text(data.get("title")),
        product=_text(data.get("produit") or data.get("product")),
        description=_text(data.get("description")),
        scope=_text(data.get("champ")),
        observation=_text(data.get("observation")),
        created=_text(history.get("dateCreated")),
        deleted=_text(history.get("dateDeleted")),
        date_missing=list(history.get("dateMissing") or []),
        missing_values=list(data.get("missingValues") or [""]),
        primary_key=primary_key,
        foreign_keys=foreign_keys,
        fields=fields,
    )


def read_table_schemas(paths: Iterable[Path | str]) -> list[TableSpec]:
    """Every table schema under ``paths``; raises :class:`SchemaErrors` listing all problems."""
    errors: list[SchemaError] = []
    tables: list[TableSpec] = []
    seen: dict[str, str] = {}
    try:
        files = list(iter_json_files(paths))
    except SchemaError as exc:
        raise SchemaErrors([exc]) from exc
    for path in files:
        try:
            spec = parse_table_schema(_load_json(path), path)
        except SchemaError as exc:
            errors.append(exc)
            continue
        except SchemaErrors as exc:
            errors.extend(exc.errors)
            continue
        if spec.name in seen:
            errors.append(
                SchemaError(path, "duplicate_table", table=spec.name, other=seen[spec.name])
            )
            continue
        seen[spec.name] = str(path)
        tables.append(spec)
    if not files:
        errors.append(SchemaError(", ".join(map(str, paths)), "no_schema"))
    if errors:
        raise SchemaErrors(errors)
    return tables


def check_foreign_keys(
    tables: list[TableSpec], existing: dict[str, set[str]] | None = None
) -> tuple[list[SchemaError], list[tuple[TableSpec, ForeignKeySpec]]]:
    """Check every foreign key against the imported tables and the ``existing`` ones.

    Returns ``(errors, unresolved)``: errors are keys to a known table that cite a column it
    does not have; unresolved are keys to a table that is in neither set.
    """
    columns = dict(existing or {})
    columns.update({t.name: t.field_names for t in tables})
    errors: list[SchemaError] = []
    unresolved: list[tuple[TableSpec, ForeignKeySpec]] = []
    for table in tables:
        for fk in table.foreign_keys:
            target = fk.resource or table.name
            if target not in columns:
                unresolved.append((table, fk))
                continue
            for key in fk.reference_fields:
                if key not in columns[target]:
                    errors.append(
                        SchemaError(
                            table.path,
                            "foreign_key_unknown_column",
                            field=", ".join(fk.fields),
                            table=target,
                            column=key,
                        )
                    )
    return errors, unresolved


def _check_value(value: str, ftype: str) -> bool:
    if value == "":
        return True
    if ftype == "integer":
        return bool(_INTEGER.match(value))
    if ftype == "number":
        return bool(_NUMBER.match(value))
    return True


def parse_nomenclature(json_path: Path, csv_path: Path | None) -> NomenclatureSpec:
    """A nomenclature from its schema and ``;`` CSV, the CSV checked against the schema."""
    data = _load_json(json_path)
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise SchemaError(json_path, "no_fields", field="fields")
    fields = []
    for position, raw in enumerate(data["fields"], start=1):
        if not isinstance(raw, dict) or not raw.get("name"):
            raise SchemaError(json_path, "unnamed_field", position=position)
        ftype = _text(raw.get("type")) or "string"
        if ftype not in FIELD_TYPES:
            raise SchemaError(
                json_path,
                "unknown_type",
                field=str(raw["name"]),
                type=ftype,
                types=sorted(FIELD_TYPES),
            )
        fields.append({k: raw[k] for k in ("name", "type", "format", "role") if k in raw})
    names = [f["name"] for f in fields]
    if not _is_names(data.get("primaryKey")):
        raise SchemaError(
            json_path, "wrong_type", field="primaryKey", key="primaryKey", expected="names"
        )
    primary_key = _as_tuple(data.get("primaryKey"))
    roles = {f.get("role"): f["name"] for f in fields if f.get("role")}
    code_field = roles.get("code") or (primary_key[0] if primary_key else names[0])
    label_field = roles.get("label", "")
    spec = NomenclatureSpec(
        name=_text(data.get("name")) or json_path.stem,
        path=str(json_path),
        title=_text(data.get("title")),
        description=_text(data.get("description")),
        source=json_path.parent.name,
        fields=fields,
        primary_key=primary_key,
        code_field=code_field,
        label_field=label_field,
        has_values_file=csv_path is not None,
    )
    if csv_path is None:
        return spec
    types = {f["name"]: f.get("type", "string") for f in fields}
    try:
        with csv_path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter=";")
            header = next(reader, None)
            if header is None:
                raise SchemaError(csv_path, "csv_empty")
            header = [h.strip().lstrip("\ufeff") for h in header]
            missing = [n for n in names if n not in header]
            extra = [h for h in header if h not in names]
            if missing or extra:
                raise SchemaError(
                    csv_path,
                    "csv_columns",
                    field=(missing or extra)[0],
                    missing=missing,
                    extra=extra,
                )
            index = {h: i for i, h in enumerate(header)}
            code_i, label_i = index[code_field], index.get(label_field)
            checked = [(h, index[h], types[h]) for h in names if types[h] in ("integer", "number")]
            others = [(h, i) for h, i in index.items() if h not in (code_field, label_field)]
            width = len(header)
            for line, row in enumerate(reader, start=2):
                if len(row) != width:
                    raise SchemaError(
                        csv_path, "csv_row_width", line=line, found=len(row), expected=width
                    )
                for name, i, ftype in checked:
                    if not _check_value(row[i], ftype):
                        raise SchemaError(
                            csv_path,
                            "csv_bad_value",
                            field=name,
                            line=line,
                            value=row[i],
                            type=ftype,
                        )
                spec.values.append(
                    (
                        row[code_i],
                        row[label_i] if label_i is not None else "",
                        {h: row[i] for h, i in others},
                    )
                )
    except UnicodeDecodeError as exc:
        raise SchemaError(csv_path, "not_utf8") from exc
    except csv.Error as exc:
        raise SchemaError(csv_path, "csv_malformed", detail=str(exc)) from exc
    return spec


def read_nomenclatures(folder: Path | str) -> list[NomenclatureSpec]:
    """Every nomenclature of ``folder`` (walked recursively); all problems raised together."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SchemaErrors([SchemaError(folder, "no_nomenclature_folder")])
    errors: list[SchemaError] = []
    specs: list[NomenclatureSpec] = []
    seen: dict[str, str] = {}
    for json_path in sorted(folder.rglob("*.json")):
        csv_path = json_path.with_suffix(".csv")
        try:
            spec = parse_nomenclature(json_path, csv_path if csv_path.is_file() else None)
        except SchemaError as exc:
            errors.append(exc)
            continue
        if spec.name in seen:
            errors.append(
                SchemaError(
                    json_path, "duplicate_nomenclature", name=spec.name, other=seen[spec.name]
                )
            )
            continue
        seen[spec.name] = str(json_path)
        specs.append(spec)
    for csv_path in sorted(folder.rglob("*.csv")):
        if not csv_path.with_suffix(".json").is_file():
            errors.append(SchemaError(csv_path, "csv_without_schema"))
    if errors:
        raise SchemaErrors(errors)
    return specs


# --- Writing (the Data Package export) -----------------------------------------------


def table_schema_dict(spec: TableSpec) -> dict[str, Any]:
    """The JSON of ``spec`` in the schema-snds format (what :func:`parse_table_schema` reads)."""
    data: dict[str, Any] = {
        "name": spec.name,
        "title": spec.title,
        "produit": spec.product,
        "missingValues": spec.missing_values or [""],
        "history": {
            "dateCreated": spec.created,
            "dateDeleted": spec.deleted,
            "dateMissing": spec.date_missing,
        },
        "champ": spec.scope,
        "observation": spec.observation,
        "fields": [],
    }
    if spec.description:
        data["description"] = spec.description
    if spec.primary_key:
        data["primaryKey"] = list(spec.primary_key)
    if spec.foreign_keys:
        data["foreignKeys"] = [
            {
                "fields": list(fk.fields),
                "reference": {"resource": fk.resource, "fields": list(fk.reference_fields)},
            }
            for fk in spec.foreign_keys
        ]
    for f in spec.fields:
        item: dict[str, Any] = {
            "name": f.name,
            "description": f.description,
            "type": f.type,
            "nomenclature": f.nomenclature_ref or "-",
            "length": f.length or None,
            "format": f.format or "default",
            "dateCreated": f.created,
            "dateDeleted": f.deleted,
            "dateMissing": f.date_missing,
            "observation": f.observation,
            "regle_gestion": f.management_rules,
            "type_oracle": f.oracle_type,
        }
        if f.unit:
            item["unit"] = f.unit
        if f.constraints:
            item["constraints"] = f.constraints
        item.update(f.extra)
        data["fields"].append(item)
    return data


def nomenclature_schema_dict(spec: NomenclatureSpec) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": spec.name,
        "title": spec.title,
        "fields": spec.fields,
        "missingValues": [""],
        "primaryKey": list(spec.primary_key),
    }
    if spec.description:
        data["description"] = spec.description
    return data


def nomenclature_rows(spec: NomenclatureSpec) -> Iterator[list[str]]:
    """Header then rows, in the column order of the schema (for a ``;`` CSV)."""
    names = [f["name"] for f in spec.fields]
    yield names
    for code, label, extra in spec.values:
        values = {**extra, spec.code_field: code}
        if spec.label_field:
            values[spec.label_field] = label
        yield [values.get(n, "") for n in names]
