"""``manage.py import_publications FILE [FILE ...] --format pubmed-xml|medline|ris|bibtex|scopus-csv|wos|auto``"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal.jobs import JobError
from portal.messages import message_text

from ...parsers import FORMATS
from ...services import import_start


class Command(BaseCommand):
    help = (
        "Import bibliographic files as a job (progress on /jobs/<id>/). By default the job "
        "runs in this process; --background hands it to a Celery worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--format", default="auto", choices=[*FORMATS, "auto"])
        parser.add_argument("--background", action="store_true", help="run on a Celery worker")

    def handle(self, *args, files, format, background, **options):
        try:
            run = import_start(paths=files, fmt=format, background=background)
        except JobError as exc:
            raise CommandError(message_text(str(exc))) from exc
        job = run.job
        if background:
            self.stdout.write(f"Job {job.pk} queued: follow it on /jobs/{job.pk}/")
            return
        if job.status != "succeeded":
            raise CommandError(job.error or f"import {job.status}")
        s = run.stats
        self.stdout.write(
            self.style.SUCCESS(
                f"new {s['new']}, updated {s['updated']}, duplicate {s['duplicate']}, "
                f"rejected {s['rejected']}, deleted {s['deleted']} (job {job.pk})"
            )
        )
        for reject in s.get("rejects", [])[:20]:
            self.stdout.write(
                f"  rejected {message_text(reject['file'])} #{reject['position']} "
                f"{reject['ref']}: {message_text(reject['reason'])}"
            )
