"""A job that runs until told otherwise, imported by the shutdown tests' workers only
(``celery worker --include tests.portal.slow_tasks``)."""

import time

from portal.jobs import JobContext, job_task


@job_task("tests.slow", task="tests.slow_job")
def slow_job(ctx: JobContext, *, seconds: float = 120) -> dict:
    ctx.progress(1, "running", force=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.2)
    return {"slept": seconds}
