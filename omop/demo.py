"""Demo data: one finished conversion of a small generated extract, run in this process."""

from __future__ import annotations

import uuid

from django.db import transaction

from portal.audit import audit_record
from portal.jobs import job_enqueue, job_run_inline
from portal.models import Job

from . import services
from .models import EtlJob

TARGET = "demo-synthetique"
PERSONS, SEED = 200, 2013


def seed(*, users: dict, stdout) -> None:
    """The demo conversion, then the demo vocabulary and its alignment."""
    from .vocabulary import demo as vocabulary_demo

    _seed_conversion(users=users, stdout=stdout)
    vocabulary_demo.seed(users=users, stdout=stdout)


def _seed_conversion(*, users: dict, stdout) -> None:
    by = users.get("data")
    done = EtlJob.objects.filter(target=TARGET, job__status=Job.Status.SUCCEEDED).first()
    if done and done.output_dir.is_dir():
        stdout.write(f"omop: conversion de démonstration déjà présente ({done.pk})")
        return
    with transaction.atomic():
        EtlJob.objects.filter(target=TARGET, active=True).update(active=False)
        etl_job = EtlJob(
            id=uuid.uuid4(),
            source=EtlJob.Source.GENERATED,
            persons=PERSONS,
            seed=SEED,
            engine=EtlJob.Engine.DUCKDB,
            output_format=EtlJob.Format.CSV,
            target=TARGET,
        )
        etl_job.extract_label = f"synthétique {PERSONS} personnes, graine {SEED}"
        # Created as the worker would find it, then run here: the demo needs no broker.
        job = job_enqueue(
            kind=services.KIND,
            title=services.etl_job_title(etl_job),
            kwargs={"etl_job_id": str(etl_job.pk)},
            by=by,
            inline=True,
        )
        etl_job.job = job
        etl_job.save(force_insert=True)
        audit_record(actor=by, action="omop.etl_job.create", target=etl_job)
    job = job_run_inline(job=job)
    if job.status != Job.Status.SUCCEEDED:
        stdout.write(f"omop: la conversion de démonstration a échoué : {job.error}")
        return
    etl_job.refresh_from_db()
    try:
        services.etl_job_register_in_catalogue(etl_job=etl_job, by=by)
    except Exception as exc:  # noqa: BLE001 - the demo conversion stands without the catalogue
        stdout.write(f"omop: description dans le catalogue impossible : {exc}")
    stdout.write(f"omop: conversion de démonstration terminée ({etl_job.pk})")
