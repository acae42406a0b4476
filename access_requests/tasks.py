"""Celery tasks of the dossiers: e-mails after commit and the daily deadline run."""

from celery import shared_task
from django.conf import settings


@shared_task(
    name="access_requests.send_email", autoretry_for=(OSError,), max_retries=3, retry_backoff=True
)
def send_dossier_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """One e-mail to the people concerned (recipients hidden from each other)."""
    if not recipients:
        return 0
    from django.core.mail import EmailMessage

    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.DEFAULT_FROM_EMAIL],
        bcc=recipients,
    )
    return message.send()


@shared_task(name="access_requests.daily_deadlines")
def daily_deadlines() -> dict:
    """Every morning: apply the tacit CESREES opinions, remind the guichet of what is due."""
    from .services.deadlines import deadlines_remind, dossiers_apply_tacit_opinions

    tacit = dossiers_apply_tacit_opinions()
    reminded = deadlines_remind()
    return {"tacit_opinions": tacit, "reminded": reminded}


@shared_task(name="access_requests.follow_up_reminders")
def follow_up_reminders() -> list[str]:
    """Every morning: tell the team and the projects directorate, once, that an
    authorisation expires or results are due within ACCESS_FOLLOW_UP_REMINDER_DAYS days."""
    from .services.deadlines import follow_up_remind

    return follow_up_remind()
