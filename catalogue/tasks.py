import shutil

from django.contrib.auth import get_user_model

from portal.jobs import JobContext, JobError, job_task

from .services import tableschema_import
from .services.uploads import tableschema_stored_import
from .tableschema import SchemaErrors


@job_task("catalogue.import_tableschema")
def import_tableschema(ctx: JobContext, *, user_id=None, **kwargs) -> dict:
    """Background import of uploaded Table Schema files (see services.uploads)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    ctx.progress(5, "Lecture des schémas")
    try:
        if "upload_dir" in kwargs:
            run = tableschema_stored_import(**kwargs, by=user)
        else:  # a job queued before uploads were kept as sent
            run = tableschema_import(**kwargs, by=user)
    except SchemaErrors as exc:
        raise JobError(f"Import refusé, rien n'a été modifié :\n{exc}") from exc
    if "upload_dir" in kwargs:
        # Imported: the uploads are no longer needed (a failed import keeps them for a retry).
        shutil.rmtree(kwargs["upload_dir"], ignore_errors=True)
    return {"import_run": run.pk, **run.summary}
