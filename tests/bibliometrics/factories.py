import factory

from bibliometrics.models import Affiliation, Author, Authorship, ImportRun, Publication, Topic
from portal.models import Job
from tests.portal import factories as portal_factories


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    title = factory.Sequence(lambda n: f"Statins and stroke in the SNDS, part {n}")
    title_key = factory.LazyAttribute(lambda o: o.title.lower())
    doi = factory.Sequence(lambda n: f"10.5555/test.{n}")
    journal = "Pharmacoepidemiology and Drug Safety"
    year = 2020
    relevance_auto = True
    relevant = True


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    key = factory.Sequence(lambda n: f"name:author {n}")
    name = factory.Sequence(lambda n: f"author {n}")
    display_name = factory.Sequence(lambda n: f"Author {n}")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    raw_hash = factory.Sequence(lambda n: f"{n:040d}")
    raw_text = "CHU de Bordeaux, Bordeaux, France"
    institution = "CHU de Bordeaux"
    city = "Bordeaux"
    country = "France"
    actor_type = "hospital"


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    publication = factory.SubFactory(PublicationFactory)
    author = factory.SubFactory(AuthorFactory)
    order = 1


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    index = 0
    label = "stroke, statins, anticoagulants"
    terms = ["stroke", "statins", "anticoagulants"]


class JobFactory(portal_factories.JobFactory):
    kind = "bibliometrics.import"
    title = "Import de publications"
    status = Job.Status.SUCCEEDED


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    job = factory.SubFactory(JobFactory)
    files = ["sample.xml"]
    stats = {"new": 1, "updated": 0, "duplicate": 0, "rejected": 0, "deleted": 0, "rejects": []}
