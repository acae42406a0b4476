import shutil

from celery import shared_task
from django.contrib.auth import get_user_model

from portal.jobs import JobContext, JobError, job_task
from portal.messages import coded
from portal.roles import Capability

from .services import partners, tableschema_import
from .services.uploads import IMPORT_KIND, tableschema_stored_import
from .tableschema import SchemaErrors


@job_task(IMPORT_KIND, task="catalogue.import_tableschema", capability=Capability.CATALOGUE_CURATE)
def import_tableschema(ctx: JobContext, *, user_id=None, **kwargs) -> dict:
    """Background import of uploaded Table Schema files (see services.uploads)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    ctx.progress(5, "catalogue.reading_schemas")
    try:
        if "upload_dir" in kwargs:
            run = tableschema_stored_import(**kwargs, by=user)
        else:  # a job queued before uploads were kept as sent
            run = tableschema_import(**kwargs, by=user)
    except SchemaErrors as exc:
        errors = [error.as_dict() for error in exc.errors]
        raise JobError(coded("catalogue.import_refused", errors=errors)) from exc
    if "upload_dir" in kwargs:
        # Imported: the uploads are no longer needed (a failed import keeps them for a retry).
        shutil.rmtree(kwargs["upload_dir"], ignore_errors=True)
    return {"import_run": run.pk, **run.summary}


@job_task(partners.KIND, task="catalogue.partner_harvest", capability=partners.CAPABILITY)
def partner_harvest(ctx: JobContext, *, partner_id: int) -> dict:
    """Harvest one partner catalogue (a failure keeps the previous copy and says why)."""
    from .models import PartnerCatalogue
    from .services.partners import partner_harvest as harvest

    partner = PartnerCatalogue.objects.filter(pk=partner_id).first()
    if partner is None:
        raise JobError("catalogue.partner_gone")
    ctx.progress(10, coded("catalogue.harvesting", name=partner.name))
    partner = harvest(partner=partner, by=ctx.job.created_by)
    if partner.last_error:
        raise JobError(coded("catalogue.harvest_failed", error=partner.last_error))
    return {"partner": partner.pk, "datasets": partner.dataset_count}


@shared_task(name="catalogue.partners_refresh_due")
def partners_refresh_due() -> int:
    """Beat: start a harvest job for every partner whose refresh period has passed."""
    from .services.partners import partner_harvest_start, partners_due

    due = partners_due()
    for partner in due:
        partner_harvest_start(partner=partner)
    return len(due)
