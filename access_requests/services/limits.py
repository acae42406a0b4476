"""The procedure's delays and limits, read from the settings at call time (so that tests
and deployments can change them)."""

from __future__ import annotations

from django.conf import settings


def completeness_working_days() -> int:
    return settings.ACCESS_COMPLETENESS_WORKING_DAYS


def cesrees_months() -> int:
    return settings.ACCESS_CESREES_MONTHS


def cnil_months() -> int:
    return settings.ACCESS_CNIL_MONTHS


def cnil_max_renewals() -> int:
    return settings.ACCESS_CNIL_RENEWALS


def rapporteur_monthly_limit() -> int:
    return settings.ACCESS_RAPPORTEUR_MONTHLY_LIMIT


def complements_working_days() -> int:
    return settings.ACCESS_COMPLEMENTS_WORKING_DAYS


def authorisation_default_months() -> int:
    return settings.ACCESS_AUTHORISATION_DEFAULT_MONTHS


def follow_up_reminder_days() -> int:
    return settings.ACCESS_FOLLOW_UP_REMINDER_DAYS


def document_max_bytes() -> int:
    return settings.ACCESS_DOCUMENT_MAX_BYTES
