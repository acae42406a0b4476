import factory

from catalogue.models import Database, JoinKey, Nomenclature, NomenclatureValue, Table, Variable


class DatabaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Database
        django_get_or_create = ["acronym"]

    acronym = "SNDS"
    name = "Système national des données de santé"


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Table

    database = factory.SubFactory(DatabaseFactory)
    product = "BENEFICIAIRE"
    name = factory.Sequence(lambda n: f"T_{n}")
    title = "Une table"


class NomenclatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomenclature

    name = factory.Sequence(lambda n: f"IR_N{n}_V")
    title = "Une nomenclature"
    code_field = "CODE"
    label_field = "LIB"
    fields = [{"name": "CODE", "type": "string"}, {"name": "LIB", "type": "string"}]


class NomenclatureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NomenclatureValue

    nomenclature = factory.SubFactory(NomenclatureFactory)
    position = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: str(n))
    label = "Libellé"


class VariableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variable

    table = factory.SubFactory(TableFactory)
    name = factory.Sequence(lambda n: f"VAR_{n}")
    description = "Une variable"
    type = "string"


class JoinKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinKey

    from_table = factory.SubFactory(TableFactory)
    to_table = factory.SubFactory(TableFactory)
    to_table_name = factory.LazyAttribute(lambda o: o.to_table.name)
    from_columns = ["BEN_NIR_PSA"]
    to_columns = ["BEN_NIR_PSA"]
