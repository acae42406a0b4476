"""Keep the search index in step with single edits (admin, API, django-import-export).

Imports write in bulk (no signals) and re-index what they touched themselves.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import search
from .models import Database, Nomenclature, Table, Variable

INDEXED = (Database, Table, Variable, Nomenclature)


@receiver(post_save)
def _reindex_on_save(sender, instance, raw=False, **kwargs):
    if not raw and isinstance(instance, INDEXED) and type(instance) in INDEXED:
        search.index_object(instance)


@receiver(post_delete)
def _unindex_on_delete(sender, instance, **kwargs):
    if type(instance) in INDEXED:
        search.unindex_object(instance)
