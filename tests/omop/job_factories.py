"""Conversion records for page and API tests (no worker: the Job is created as it would end)."""

from __future__ import annotations

import factory
from django.utils import timezone

from omop.models import EtlJob
from portal.models import Job
from tests.portal import factories as portal_factories

REPORT = {
    "engine": "duckdb",
    "format": "csv",
    "tables": ["person", "death"],
    "rows_written": [
        {"table": "person", "row_count": 120},
        {"table": "death", "row_count": "< 10"},
    ],
    "rows_read": [{"table": "IR_BEN_R", "row_count": 125}],
    "rejected": [{"table": "person", "reason": "no valid year of birth", "count": "< 10"}],
    "coverage": [],
    "dq": [{"check": "isRequired", "table": "person", "field": "person_id",
            "failed_count": 0, "rows_count": 120, "share": 0.0, "threshold": 0, "passed": True},
           {"check": "plausibleAfterBirth", "table": "person", "field": "year_of_birth",
            "failed_count": 12, "rows_count": 120, "share": 0.1, "threshold": 1,
            "passed": False}],
    "dq_passed": False,
    "dq_failed_checks": 1,
    "durations": {"total": 1.0},
    "warnings": [],
    "persons_without_events_count": 0,
}  # fmt: skip
RESULTS = {
    "threshold": 10,
    "tables": [{"table": "person", "row_count": 120}, {"table": "death", "row_count": "< 10"}],
    "sex": [
        {"sex": "M", "concept_id": 8507, "count": 60},
        {"sex": "F", "concept_id": 8532, "count": 60},
        {"sex": "?", "concept_id": 0, "count": 0},
    ],
    "pyramid": {
        "reference_year": 2015,
        "bands": [{"label": "0+", "age_min": 0, "male_count": 60, "female_count": 60}],
        "unknown_count": 0,
    },
    "visit_concepts": None,
    "drug_source_values": None,
    "procedure_source_values": None,
}


class JobFactory(portal_factories.JobFactory):
    kind = "omop.etl"
    title = "Conversion OMOP — test"
    status = Job.Status.QUEUED


class EtlJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EtlJob

    job = factory.SubFactory(JobFactory)
    source = EtlJob.Source.GENERATED
    persons = 50
    seed = 1
    extract_label = factory.Sequence(lambda n: f"synthétique {n}")
    engine = EtlJob.Engine.DUCKDB
    output_format = EtlJob.Format.CSV
    target = factory.Sequence(lambda n: f"target-{n}")
    active = True


def finished(status: str = Job.Status.SUCCEEDED, **kwargs) -> EtlJob:
    """A conversion that ended with ``status`` (succeeded ones carry a report and results)."""
    now = timezone.now()
    job = JobFactory(status=status, progress=100, started_at=now, finished_at=now)
    if status == Job.Status.SUCCEEDED:
        kwargs = {"report": REPORT, "results": RESULTS, "output_bytes": 1000, **kwargs}
    if status == Job.Status.FAILED:
        job.error = "the extract is corrupt"
        job.save()
    return EtlJobFactory(job=job, active=False, **kwargs)
