"""Today's pandas engine, kept as the test-only oracle of the SQL engines.

This is the pandas engine that the product shipped until the mapping was written once in
SQL (``omop/etl/sql/``). It no longer runs in the product; the regression tests run it on
generated extracts and check that DuckDB and Spark give the same rows, table by table,
and the same report counts. Do not change its rules: it is the reference.
"""

# ruff: noqa
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from omop.etl import mapping as m
from omop.etl.dq import run_checks
from omop.etl.errors import InputError
from omop.etl.frames import conform
from omop.etl.mapping import INPUTS, InputTable
from omop.etl.engine import _require_columns
from omop.etl.readers import (
    Source,
    column_map,
    csv_format,
    discover,
    parquet_header,
)
from omop.etl.report import Report, Run
from omop.etl.spec import sort_key
from omop.etl.values import add_days, hash_key, numeric_code, parse_date

# The tables this engine produced; later rules (OMOP_MAPPING.md Part 2) add tables and rows
# it never knew, which the regression tests set apart.
TABLES = ("location", "care_site", "provider", "person", "death", "visit_occurrence",
          "drug_exposure", "procedure_occurrence", "observation_period", "cdm_source")  # fmt: skip


def _release():
    """The day of the run, pinned by ``SOURCE_DATE_EPOCH`` as the product's engine did."""
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def convert(sources: dict[str, Source], plan: m.Plan, run: Run) -> dict[str, pd.DataFrame]:
    """All OMOP tables of the plan as pandas frames (spec columns, spec order)."""
    run.step("read", "reading the extract")
    if "IR_BEN_R" not in sources:
        raise InputError(
            "IR_BEN_R is missing from the extract: PERSON cannot be built without the "
            "beneficiary table (add IR_BEN_R.csv or IR_BEN_R.parquet to the input folder)."
        )
    frames, missing = {}, {}
    for name, source in sources.items():
        if name not in m.INPUTS:
            continue
        frames[name], missing[name] = read_pandas(source)
        run.report.rows_read[name] = len(frames[name])
        absent_needed = [c for c in m.INPUTS[name].needed if c in missing[name]]
        if absent_needed:
            if name == "IR_BEN_R":
                raise InputError("no_pseudonym_column", columns=absent_needed)
            run.report.notice("input_ignored", table=name, columns=absent_needed)
            del frames[name]
        elif missing[name]:
            run.report.notice("columns_absent", table=name, columns=list(missing[name]))
        run.progress(5, run.report.rows_read[name], f"read {name}")
    run.done(sum(run.report.rows_read.values()))

    ctx = _Context(frames, missing, plan, run)
    out = {}
    run.step("person")
    out["person"], out["death"] = ctx.persons()
    run.done(len(out["person"]))

    visits = ctx.dcir_visits() if "ER_PRS_F" in frames else None
    pmsi = ctx.pmsi_visits() if "T_MCOAAC" in frames else None
    out["visit_occurrence"] = conform(
        pd.concat([v for v in (visits, pmsi) if v is not None] or [pd.DataFrame()]),
        "visit_occurrence",
    )
    run.done(len(out["visit_occurrence"]))

    run.step("drug_exposure")
    out["drug_exposure"] = ctx.drugs()
    run.done(len(out["drug_exposure"]))
    run.step("procedure_occurrence")
    out["procedure_occurrence"] = ctx.procedures()
    run.done(len(out["procedure_occurrence"]))

    run.step("observation_period")
    out["observation_period"] = ctx.observation_periods(out)
    run.done(len(out["observation_period"]))

    run.step("dimensions", "location, care site, provider, CDM source")
    out.update(ctx.dimensions(out))
    run.done()
    return out


class _Context:
    def __init__(self, frames, missing, plan: m.Plan, run: Run):
        self.f = frames
        self.missing = missing
        self.plan = plan
        self.run = run
        self.report = run.report
        self.ben_has_rank = "BEN_RNG_GEM" not in missing.get("IR_BEN_R", ["BEN_RNG_GEM"])
        self.lines = None  # kept ER_PRS_F lines: flux key, visit id, quantity
        self.visit_info = None  # visit id → person id, start, provider id
        self.person_lsv = None
        self.pmsi_finess = set()

    # --- person ---------------------------------------------------------------------
    def persons(self):
        ben = self.f["IR_BEN_R"]
        no_pseudo = ben["BEN_NIR_PSA"].isna()
        self.report.reject("person", m.R_NO_PSEUDONYM, no_pseudo.sum())
        ben = ben[~no_pseudo].copy()
        ben["psv"] = _person_source_value(ben["BEN_NIR_PSA"], ben["BEN_RNG_GEM"])
        order = ["psv", *m.BEN_TIE_ORDER]
        sort = ben[order].fillna("")
        ben = ben.loc[sort.sort_values(order, kind="stable").index]
        latest = ~ben.duplicated("psv", keep="last")
        self.report.reject("person", m.R_SUPERSEDED, (~latest).sum())
        ben = ben[latest]

        year = pd.to_numeric(ben["BEN_NAI_ANN"], errors="coerce")
        valid = year.between(m.MIN_BIRTH_YEAR, _release().year + 1) & (year % 1 == 0)
        self.report.reject("person", m.R_NO_BIRTH_YEAR, (~valid).sum())
        self.dropped_psv = set(ben.loc[~valid, "psv"])
        ben = ben[valid].copy()
        ben["year_of_birth"] = year[valid].astype("int64")
        month = pd.to_numeric(ben["BEN_NAI_MOI"], errors="coerce")
        ben["month_of_birth"] = month.where(month.between(1, 12) & (month % 1 == 0))
        ben["location_source_value"] = _location_source_values(ben)
        self.person_lsv = set(ben["location_source_value"].dropna())

        person = pd.DataFrame(
            {
                "person_id": hash_columns(ben, ["psv"]),
                "gender_concept_id": ben["BEN_SEX_COD"].map(m.GENDER).fillna(m.NO_MATCH),
                "year_of_birth": ben["year_of_birth"],
                "month_of_birth": ben["month_of_birth"],
                "race_concept_id": m.NO_MATCH,
                "ethnicity_concept_id": m.NO_MATCH,
                "location_id": hash_columns(ben, ["location_source_value"]).where(
                    ben["location_source_value"].notna()
                ),
                "person_source_value": ben["psv"],
                "gender_source_value": ben["BEN_SEX_COD"],
            }
        )
        self.persons_by_psv = person.set_index("person_source_value")["person_id"]
        death = self._deaths(ben, person)
        return conform(person, "person"), conform(death, "death")

    def _deaths(self, ben, person):
        dcd = ben["BEN_DCD_DTE"]
        birth = (
            ben["year_of_birth"].astype("str").str.zfill(4)
            + "-"
            + (ben["month_of_birth"].fillna(1).astype("int64").astype("str").str.zfill(2))
        )
        present = dcd.notna()
        ok = (
            present
            & (dcd != m.DEATH_PLACEHOLDER)
            & (dcd.fillna("") >= birth + "-01")
            & (dcd.fillna("") <= _release().isoformat())
        )
        self.report.reject("death", m.R_DEATH_IMPLAUSIBLE, (present & ~ok).sum())
        return pd.DataFrame(
            {
                "person_id": person["person_id"][ok],
                "death_date": dcd[ok],
                "death_type_concept_id": m.CLAIM,
            }
        )

    def _link_patients(self, frame, psv, table):
        """Person id of each event row; rows without a person are counted and dropped."""
        pid = psv.map(self.persons_by_psv)
        lost = pid.isna()
        if lost.any():
            dropped = psv[lost].isin(self.dropped_psv)
            self.report.reject(table, m.R_PATIENT_DROPPED, dropped.sum())
            self.report.reject(table, m.R_PATIENT_UNKNOWN, (~dropped).sum())
        frame = frame[~lost].copy()
        frame["person_id"] = pid[~lost].astype("Int64")
        return frame

    def _dates(self, frame, start, end, table):
        frame = frame.assign(start=start, end=end.fillna(start))
        bad = frame["start"].isna()
        self.report.reject(table, m.R_NO_START, bad.sum())
        frame = frame[~bad]
        bad = frame["start"] > frame["end"]
        self.report.reject(table, m.R_START_AFTER_END, bad.sum())
        frame = frame[~bad]
        w = self.plan.window
        if w:
            bad = ((frame["start"] < w.start) if w.start else False) | (
                (frame["start"] > w.end) if w.end else False
            )
            self.report.reject(table, m.R_OUTSIDE_WINDOW, bad.sum())
            frame = frame[~bad]
        return frame

    # --- visits ---------------------------------------------------------------------
    def dcir_visits(self):
        self.run.step("visit_occurrence", "DCIR lines")
        prs = self.f["ER_PRS_F"]
        t = "visit_occurrence"
        info = (prs["DPN_QLF"] == m.INFO_ONLY_QUALIFIER) | (
            prs["PRS_DPN_QLP"] == m.INFO_ONLY_QUALIFIER
        )
        self.report.reject(t, m.R_INFO_LINE, info.sum())
        prs = prs[~info.fillna(False)]
        no_pseudo = prs["BEN_NIR_PSA"].isna()
        self.report.reject(t, m.R_NO_PSEUDONYM, no_pseudo.sum())
        prs = prs[~no_pseudo]
        rank = prs["BEN_RNG_GEM"] if self._events_have_rank("ER_PRS_F") else None
        prs = prs.assign(psv=_person_source_value(prs["BEN_NIR_PSA"], rank))
        prs = self._link_patients(prs, prs["psv"], t)
        prs = self._dates(prs, prs["EXE_SOI_DTD"].fillna(prs["PRE_PRE_DTD"]), prs["EXE_SOI_DTF"], t)
        prs["fkey"] = _flux_key(prs)
        prs["care_site_source_value"] = self._ete_finess(prs["fkey"])
        spe, act = prs["PSE_SPE_COD"], prs["PSE_ACT_NAT"]
        prs["provider_source_value"] = ("SPE:" + spe).where(
            spe.notna() & ~spe.isin(m.NOT_FILLED),
            ("ACT:" + act).where(act.notna() & ~act.isin(m.NOT_FILLED)),
        )
        prs["visit_occurrence_id"] = hash_columns(
            prs, ["psv", "start", "end", "PRS_NAT_REF", "PFS_EXE_NUM", "care_site_source_value"]
        )
        self.lines = prs[["fkey", "visit_occurrence_id", "PRS_ACT_QTE"]]
        self.run.progress(35, len(prs), "grouping lines into visits")

        # every visit field is part of its id, so any line gives them; the provider is the
        # one of the first line in flux-key order
        order = _flux_order(prs).assign(
            visit_occurrence_id=prs["visit_occurrence_id"],
            provider=prs["provider_source_value"].fillna(""),
        )
        first = order.sort_values(["visit_occurrence_id", *order.columns[:-2], "provider"])
        first = first.drop_duplicates("visit_occurrence_id").set_index("visit_occurrence_id")
        visits = prs.drop_duplicates("visit_occurrence_id")
        provider = visits["visit_occurrence_id"].map(first["provider"])
        provider = provider.where(provider != "")
        concepts = visits["PRS_NAT_REF"].map(m.visit_concepts()).fillna(m.OUTPATIENT)
        out = pd.DataFrame(
            {
                "visit_occurrence_id": visits["visit_occurrence_id"],
                "person_id": visits["person_id"],
                "visit_concept_id": concepts.astype("int64"),
                "visit_start_date": visits["start"],
                "visit_end_date": visits["end"],
                "visit_type_concept_id": m.CLAIM,
                "provider_source_value": provider,
                "care_site_source_value": visits["care_site_source_value"],
                "visit_source_value": visits["PRS_NAT_REF"],
            }
        )
        return self._visit_ids(out)

    def _visit_ids(self, out):
        out["provider_id"] = hash_columns(out, ["provider_source_value"]).where(
            out["provider_source_value"].notna()
        )
        out["care_site_id"] = hash_columns(out, ["care_site_source_value"]).where(
            out["care_site_source_value"].notna()
        )
        info = out[["visit_occurrence_id", "person_id", "visit_start_date", "provider_id"]]
        self.visit_info = info if self.visit_info is None else pd.concat([self.visit_info, info])
        self.used_providers = getattr(self, "used_providers", set()) | set(
            out["provider_source_value"].dropna()
        )
        self.used_finess = getattr(self, "used_finess", set()) | set(
            out["care_site_source_value"].dropna()
        )
        return out

    def _events_have_rank(self, table):
        return self.ben_has_rank and "BEN_RNG_GEM" not in self.missing.get(table, [])

    def _ete_finess(self, fkey):
        ete = self.f.get("ER_ETE_F")
        if ete is None or not self._linkable("ER_ETE_F", "the care site of visits"):
            return pd.Series(None, index=fkey.index, dtype="str")
        ete = ete.assign(fkey=_flux_key(ete), finess=ete["ETB_EXE_FIN"].str.slice(0, 8))
        by_key = ete.dropna(subset=["finess"]).groupby("fkey")["finess"].min()
        return fkey.map(by_key).astype("str")

    def _linkable(self, table, target):
        absent = [k for k in m.FLUX_KEYS if k in self.missing.get(table, [])] + [
            k for k in m.FLUX_KEYS if k in self.missing.get("ER_PRS_F", [])
        ]
        if absent:
            self.report.notice(
                "unlinkable", table=table, target=target, columns=sorted(set(absent))
            )
            return False
        return True

    def pmsi_visits(self):
        self.run.step("visit_occurrence", "PMSI MCO stays")
        t = "visit_occurrence"
        c = self.f["T_MCOAAC"]
        ret = pd.Series(False, index=c.index)
        for col in m.PMSI_RETURN_CODES:
            ret |= c[col].notna() & (c[col] != "0")
        self.report.reject(t, m.R_PMSI_RETURN, ret.sum())
        c = c[~ret]
        c = self._link_patients(c, c["NIR_ANO_17"], t)
        c = self._dates(
            c, c["EXE_SOI_DTD"].fillna(c["ENT_DAT"]), c["EXE_SOI_DTF"].fillna(c["SOR_DAT"]), t
        )
        c = c.sort_values(["ETA_NUM", "RSA_NUM", "person_id", "start", "end"])
        dup = c.duplicated(["ETA_NUM", "RSA_NUM"])
        self.report.reject(t, "duplicate_stay", dup.sum())
        c = c[~dup]
        b = self.f.get("T_MCOAAB")
        prv = (
            b.groupby(["ETA_NUM", "RSA_NUM"])["ENT_PRV"].min()
            if b is not None
            else pd.Series(dtype="str")
        )
        ent_prv = pd.Series(list(zip(c["ETA_NUM"], c["RSA_NUM"], strict=True)), index=c.index).map(
            prv
        )
        e = self.f.get("T_MCOAAE")
        eta_finess = (
            e.dropna(subset=["ETB_EXE_FIN"]).groupby("ETA_NUM")["ETB_EXE_FIN"].min().str.slice(0, 8)
            if e is not None
            else pd.Series(dtype="str")
        )
        finess = c["ETA_NUM"].map(eta_finess).astype("str")
        finess = finess.fillna(c["ETA_NUM"].str.slice(0, 8))
        out = pd.DataFrame(
            {
                "visit_occurrence_id": hash_columns(c, ["ETA_NUM", "RSA_NUM"]),
                "person_id": c["person_id"],
                "visit_concept_id": (ent_prv == "5").map(
                    {True: m.ER_INPATIENT, False: m.INPATIENT}
                ),
                "visit_start_date": c["start"],
                "visit_end_date": c["end"],
                "visit_type_concept_id": m.CLAIM,
                "provider_source_value": pd.Series(None, index=c.index, dtype="str"),
                "care_site_source_value": finess,
                "visit_source_value": "MCO",
            }
        )
        return self._visit_ids(out)

    # --- drugs and procedures -------------------------------------------------------
    def _events(self, table, target, code_col):
        """Rows of an affined table linked to their kept ER_PRS_F line and visit."""
        frame = self.f.get(table)
        if frame is None:
            return None
        if self.lines is None:
            self.report.reject(target, m.R_NO_LINE, len(frame))
            return None
        if not self._linkable(table, target):
            self.report.reject(target, m.R_NO_LINE, len(frame))
            return None
        frame = frame.assign(fkey=_flux_key(frame))
        no_code = frame[code_col].isna()
        self.report.reject(target, m.R_NO_CODE, no_code.sum())
        frame = frame[~no_code]
        lines = (
            self.lines.assign(qte=self.lines["PRS_ACT_QTE"].fillna(""))
            .sort_values(["fkey", "visit_occurrence_id", "qte"])
            .drop_duplicates("fkey")
        )
        linked = frame.merge(lines, on="fkey", how="inner")
        self.report.reject(target, m.R_NO_LINE, len(frame) - len(linked))
        return linked.merge(self.visit_info, on="visit_occurrence_id", how="left")

    def drugs(self):
        t = "drug_exposure"
        pha = self._events("ER_PHA_F", t, "PHA_PRS_C13")
        if pha is None:
            return conform(pd.DataFrame(), t)
        pha["qty"] = pd.to_numeric(pha["PHA_ACT_QSN"], errors="coerce")
        pha["visit_text"] = id_text(pha["visit_occurrence_id"])
        pha["drug_exposure_id"] = hash_columns(pha, ["visit_text", "PHA_PRS_C13"])
        g = pha.groupby("drug_exposure_id", sort=False)
        agg = g.agg(
            person_id=("person_id", "first"),
            start=("visit_start_date", "first"),
            provider_id=("provider_id", "first"),
            visit_occurrence_id=("visit_occurrence_id", "first"),
            drug_source_value=("PHA_PRS_C13", "first"),
            rows=("fkey", "size"),
        )
        agg["quantity"] = g["qty"].sum(min_count=1)
        cancelled = agg["quantity"] <= 0
        self.report.reject(t, m.R_CANCELLED, agg.loc[cancelled, "rows"].sum())
        agg = agg[~cancelled].reset_index()
        out = agg.assign(
            drug_concept_id=m.NO_MATCH,
            drug_exposure_start_date=agg["start"],
            drug_exposure_end_date=map_uniques(agg["start"], lambda d: add_days(d, m.DRUG_DAYS)),
            drug_type_concept_id=m.CLAIM,
            days_supply=m.DRUG_DAYS + 1,
        )
        return conform(out, t)

    def procedures(self):
        t = "procedure_occurrence"
        cam = self._events("ER_CAM_F", t, "CAM_PRS_IDE")
        if cam is None:
            return conform(pd.DataFrame(), t)
        cam["visit_text"] = id_text(cam["visit_occurrence_id"])
        cam["procedure_occurrence_id"] = hash_columns(
            cam, ["visit_text", "CAM_PRS_IDE", "visit_start_date"]
        )
        cam["qty"] = pd.to_numeric(cam["PRS_ACT_QTE"], errors="coerce")
        g = cam.groupby("procedure_occurrence_id", sort=False)
        agg = g.agg(
            person_id=("person_id", "first"),
            procedure_date=("visit_start_date", "first"),
            provider_id=("provider_id", "first"),
            visit_occurrence_id=("visit_occurrence_id", "first"),
            procedure_source_value=("CAM_PRS_IDE", "first"),
        )
        agg["quantity"] = g["qty"].sum(min_count=1).round()
        out = agg.reset_index().assign(
            procedure_concept_id=m.NO_MATCH, procedure_type_concept_id=m.CLAIM
        )
        return conform(out, t)

    # --- observation period and dimensions ------------------------------------------
    def observation_periods(self, out):
        spans = [
            out["visit_occurrence"][["person_id", "visit_start_date", "visit_end_date"]].set_axis(
                ["person_id", "s", "e"], axis=1
            ),
            out["drug_exposure"][
                ["person_id", "drug_exposure_start_date", "drug_exposure_end_date"]
            ].set_axis(["person_id", "s", "e"], axis=1),
            out["procedure_occurrence"][["person_id", "procedure_date", "procedure_date"]].set_axis(
                ["person_id", "s", "e"], axis=1
            ),
        ]
        spans = pd.concat(spans, ignore_index=True)
        g = spans.groupby("person_id").agg(s=("s", "min"), e=("e", "max")).reset_index()
        w = self.plan.window
        if w.start:
            g["s"] = g["s"].where(g["s"] >= w.start, w.start)
        if w.end:
            g["e"] = g["e"].where(g["e"] <= w.end, w.end)
        g["pid"] = id_text(g["person_id"])
        period = pd.DataFrame(
            {
                "observation_period_id": hash_columns(g, ["pid", "s", "e"]),
                "person_id": g["person_id"],
                "observation_period_start_date": g["s"],
                "observation_period_end_date": g["e"],
                "period_type_concept_id": m.OBSERVATION_PERIOD_TYPE,
            }
        )
        self.report.persons_without_events = int(
            (~out["person"]["person_id"].isin(period["person_id"])).sum()
        )
        self.last_event = spans["e"].max() if len(spans) else None
        return conform(period, "observation_period")

    def dimensions(self, out):
        establishments = []
        e = self.f.get("T_MCOAAE")
        if e is not None:
            establishments = e.astype(object).where(e.notna(), None).to_dict("records")
        care_site = m.care_site_rows(set(getattr(self, "used_finess", set())), establishments)
        lsv = self.person_lsv | m.care_site_departements(set(care_site["care_site_source_value"]))
        labels = m.nomenclature_labels(*(_records(self.f.get(n)) for n in ("IR_SPE_V", "IR_ACT_V")))
        return {
            "location": m.location_rows(lsv),
            "care_site": care_site,
            "provider": m.provider_rows(set(getattr(self, "used_providers", set())), labels),
            "cdm_source": m.cdm_source_rows(
                self.last_event if isinstance(self.last_event, str) else None, _release()
            ),
        }


def _records(frame):
    if frame is None:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _person_source_value(pseudo, rank):
    if rank is None:
        return pseudo.astype("str")
    higher = rank.notna() & (rank != "1")
    return pseudo.where(~higher, pseudo + "_" + rank.fillna("")).astype("str")


def _location_source_values(ben):
    pairs = ben[["BEN_RES_DPT", "BEN_RES_COM"]].fillna("")
    key = pairs["BEN_RES_DPT"] + "\x1f" + pairs["BEN_RES_COM"]
    return map_uniques(key, lambda k: m.location_source_value(*k.split("\x1f")))


def _flux_key(frame):
    key = frame[m.FLUX_KEYS[0]].fillna("")
    for k in m.FLUX_KEYS[1:]:
        key = key + "|" + frame[k].fillna("")
    return key


def _flux_order(frame):
    """Flux-key order as sort columns: text keys (dates, ORG_CLE_NUM) as text, numeric
    codes by their number of digits, then as text (so 9 comes before 10)."""
    cols = {}
    for i, k in enumerate(m.FLUX_KEYS):
        col = frame[k].fillna("")
        if k not in m.FLUX_TEXT_KEYS:
            cols[f"_n{i}"] = col.str.len()
        cols[f"_o{i}"] = col
    return pd.DataFrame(cols, index=frame.index)


# --- pandas -----------------------------------------------------------------------------
def read_pandas(source: Source) -> tuple[pd.DataFrame, list[str]]:
    """Read one input table with every column of its contract normalised to text.

    Returns the frame (missing contract columns are all-null) and the list of missing
    columns, for the report's notices.
    """
    spec = INPUTS[source.table]
    frames = []
    missing: set[str] = set(spec.columns)
    for path in source.paths:
        if source.fmt == "parquet":
            cmap = column_map(parquet_header(path), spec)
            _require_columns(path, cmap, spec)
            try:
                tbl = pq.read_table(path, columns=list(cmap.values()))
            except pa.ArrowException as exc:
                raise InputError(f"{path.name} is not a readable Parquet file: {exc}") from exc
        else:
            fmt = csv_format(path)
            cmap = column_map(fmt.header, spec)
            _require_columns(path, cmap, spec)
            tbl = _read_csv_arrow(path, fmt, list(cmap.values()))
        tbl = tbl.rename_columns([_canonical(cmap, c) for c in tbl.column_names])
        frames.append(_normalise(tbl, spec))
        missing &= set(spec.columns) - set(cmap)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame, sorted(missing)


def _require_columns(path: Path, cmap: dict[str, str], spec) -> None:
    """A file with none of its table's columns is a wrong file or a wrong separator."""
    if not cmap:
        expected = ", ".join(spec.columns[:6])
        raise InputError(
            f"{path.name} has none of the columns of {spec.name} (expected e.g. {expected}): "
            "check the file, its header line and its separator (; or ,)."
        )


def _canonical(cmap: dict[str, str], written: str) -> str:
    return next(k for k, v in cmap.items() if v == written)


def _read_csv_arrow(path: Path, fmt: CsvFormat, include: list[str]) -> pa.Table:
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=fmt.encoding, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=fmt.delimiter, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=include,
                column_types=dict.fromkeys(include, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputError(f"{path.name} is not a readable CSV file: {exc}") from exc


def _normalise(tbl: pa.Table, spec: InputTable) -> pd.DataFrame:
    data = {}
    n = tbl.num_rows
    for col in spec.columns:
        if col not in tbl.column_names:
            data[col] = pd.Series([None] * n, dtype="str")
            continue
        arr = tbl.column(col)
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = _to_text(arr)
        arr = pc.utf8_trim_whitespace(arr)
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
        if col in spec.codes and not _all_match(arr, r"^(0|[1-9][0-9]*)$"):
            data[col] = map_uniques(arr.to_pandas(), numeric_code)
        elif col in spec.dates:  # few distinct dates: parse each once (rejects 2013-02-30)
            data[col] = map_uniques(arr.to_pandas(), parse_date)
        else:
            data[col] = arr.to_pandas().astype("str")
    return pd.DataFrame(data)


def _all_match(arr: pa.ChunkedArray, pattern: str) -> bool:
    """True when every non-null value matches (fast path: no Python per value)."""
    return bool(
        pc.all(pc.match_substring_regex(arr, pattern), skip_nulls=True).as_py() is not False
    )


def _to_text(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return arr.cast(pa.date32()).cast(pa.string())
    return arr.cast(pa.string())


def map_uniques(series: pd.Series, fn) -> pd.Series:
    """Apply a Python normaliser to each distinct value only (SNDS columns repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.array([fn(u) for u in np.asarray(uniques, dtype=object)] + [None], dtype=object)
    return pd.Series(mapped[codes], dtype="str", index=series.index)


def hash_columns(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Stable id of each row from the given (text) columns; missing → empty string."""
    if len(frame) == 0:
        return pd.Series([], dtype="Int64", index=frame.index)
    key = frame[cols[0]].fillna("").astype("str")
    for c in cols[1:]:
        key = key + "|" + frame[c].fillna("").astype("str")
    codes, uniques = pd.factorize(key)
    uniques = np.asarray(uniques, dtype=object)
    ids = np.fromiter(map(hash_key, uniques), dtype=np.int64, count=len(uniques))
    return pd.Series(ids[codes], index=frame.index, dtype="Int64")


def id_text(series: pd.Series) -> pd.Series:
    """An id column as the decimal text that feeds another hash."""
    return series.astype("Int64").astype("str")


def id_text(series: pd.Series) -> pd.Series:
    """An id column as the decimal text that feeds another hash."""
    return series.astype("Int64").astype("str")


COVERAGE = {
    "person": "gender_concept_id",
    "visit_occurrence": "visit_concept_id",
    "drug_exposure": "drug_concept_id",
    "procedure_occurrence": "procedure_concept_id",
    "provider": "specialty_concept_id",
}


def convert_to_csv(input_dir, out_dir, *, window=(None, None)) -> Report:
    """The reference conversion: every table as CSV (sorted by key) in ``out_dir`` and the
    report counts, as the product's pandas engine wrote them."""
    start, end = window
    plan = m.Plan(tables=TABLES, window=m.Window(parse_date(start), parse_date(end)))
    report = Report(engine="pandas")
    run = Run(report, None, None)
    out = convert(discover(input_dir), plan, run)
    run.finish()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        frame = out[table].sort_values(sort_key(table), kind="stable")
        frame.to_csv(out_dir / f"{table}.csv", index=False, lineterminator="\n", na_rep="")
        report.rows_written[table] = len(frame)
    for table, col in COVERAGE.items():
        frame = out[table]
        mapped = int((frame[col].fillna(0) != 0).sum())
        report.coverage[table] = {
            "field": col,
            "rows": len(frame),
            "mapped": mapped,
            "share": round(mapped / len(frame), 4) if len(frame) else None,
        }
    import duckdb

    con = duckdb.connect()
    for name, frame in out.items():
        con.register(name, frame)
    report.dq = [  # its frames keep dates as ISO text: their storage type is not compared
        c
        for c in run_checks(set(TABLES), lambda sql: con.execute(sql).fetchall(), _release())
        if c["check"] != "cdmDatatype"
    ]
    return report
