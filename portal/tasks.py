"""Portal-wide background tasks."""

import platform
import shutil
import subprocess

from celery import shared_task
from django.conf import settings
from django.db import connection

from .jobs import JobContext, job_task, jobs_fail_stale
from .roles import Capability


@shared_task(name="portal.fail_stale_jobs")
def fail_stale_jobs() -> int:
    return jobs_fail_stale()


@shared_task(name="portal.refresh_worker_health")
def refresh_worker_health() -> int:
    """Ping the workers for /healthz, so that no probe waits for the ping."""
    from .health import worker_ping_refresh

    return len(worker_ping_refresh()["workers"])


@shared_task(name="portal.audit_retention")
def audit_retention() -> int:
    """Export, then delete, the audit entries past AUDIT_RETENTION_DAYS."""
    from .retention import audit_retention_apply

    return audit_retention_apply()["deleted"]


# The data team runs the conversions this checks the workers for (Java for Spark, disk).
@job_task("portal.diagnostics", task="portal.worker_diagnostics", capability=Capability.OMOP_RUN)
def worker_diagnostics(ctx: JobContext) -> dict:
    """Check, from inside a worker, what jobs need: database, disk, Java for Spark."""
    report: dict = {"python": platform.python_version(), "host": platform.node()}
    ctx.progress(10, "portal.check_database", force=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    report["database"] = connection.vendor
    ctx.progress(40, "portal.check_disk", force=True)
    usage = shutil.disk_usage(settings.MEDIA_ROOT if _exists(settings.MEDIA_ROOT) else ".")
    report["disk_free_gb"] = round(usage.free / 1e9, 1)
    ctx.check_cancelled()
    ctx.progress(70, "portal.check_java", force=True)
    java = shutil.which("java")
    report["java"] = _java_version(java) if java else None
    ctx.log(f"java: {report['java'] or 'absent'}")
    ctx.progress(100, "portal.check_done", force=True)
    return report


def _exists(path) -> bool:
    from pathlib import Path

    return Path(path).exists()


def _java_version(java: str) -> str:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    return (out.stderr or out.stdout).splitlines()[0] if (out.stderr or out.stdout) else "?"
