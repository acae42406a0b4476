"""Export the audit log for the DPO: a period, and/or everything by or about one person."""

import sys
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.audit import audit_record
from portal.retention import audit_entries_between, write_csv, write_jsonl


def _date(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not an ISO date: {value!r}") from exc
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = "Export audit entries (CSV or JSON lines) for the DPO."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_date, help="from this date (ISO, inclusive)")
        parser.add_argument("--until", type=_date, help="to this date (ISO, exclusive)")
        parser.add_argument("--person", help="only entries by or about this username")
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, since=None, until=None, person=None, output=None, **options):
        entries = audit_entries_between(since=since, until=until, person=person).iterator()
        write = write_csv if options["format"] == "csv" else write_jsonl
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = write(entries, out)
        else:
            count = write(entries, sys.stdout)
        audit_record(
            actor="dpo-export",
            action="audit.export",
            changes={"since": since, "until": until, "person": person, "count": count},
        )
        self.stderr.write(f"{count} entries exported")
