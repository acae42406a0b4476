"""Rows of the portal itself that the apps' tests need."""

import factory

from portal.jobs import job_kind
from portal.models import Job


class JobFactory(factory.django.DjangoModelFactory):
    """A job of ``kind`` as ``job_enqueue`` records it: the kind's declaration gives its Celery
    task and the capability that lets others see it. Each app's factory names its kind."""

    class Meta:
        model = Job

    task_name = factory.LazyAttribute(lambda o: job_kind(o.kind).task)
    capability = factory.LazyAttribute(lambda o: job_kind(o.kind).capability)
