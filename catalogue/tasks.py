from django.contrib.auth import get_user_model

from portal.jobs import JobContext, JobError, job_task

from .services import tableschema_import
from .tableschema import SchemaErrors


@job_task("catalogue.import_tableschema")
def import_tableschema(ctx: JobContext, *, user_id=None, **kwargs) -> dict:
    """Background import of uploaded Table Schema files (see services.uploads)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    ctx.progress(5, "Lecture des schémas")
    try:
        run = tableschema_import(**kwargs, by=user)
    except SchemaErrors as exc:
        raise JobError(f"Import refusé, rien n'a été modifié :\n{exc}") from exc
    return {"import_run": run.pk, **run.summary}
