"""Initial reference data: SNDS components, therapeutic areas and the actor-type rules."""

from django.db import migrations


def seed(apps, schema_editor):
    from bibliometrics.enrichment import COMPONENTS, DEFAULT_ACTOR_RULES, THERAPEUTIC_AREAS

    SndsComponent = apps.get_model("bibliometrics", "SndsComponent")
    TherapeuticArea = apps.get_model("bibliometrics", "TherapeuticArea")
    ActorRule = apps.get_model("bibliometrics", "ActorRule")
    for c in COMPONENTS:
        SndsComponent.objects.update_or_create(
            code=c.code, defaults={"label": c.label, "catalogue_code": c.catalogue_code}
        )
    for code, (label, _pattern) in THERAPEUTIC_AREAS.items():
        TherapeuticArea.objects.update_or_create(code=code, defaults={"label": label})
    if not ActorRule.objects.exists():
        ActorRule.objects.bulk_create(
            ActorRule(
                pattern=r["pattern"],
                actor_type=r["actor_type"],
                institution=r.get("institution", ""),
                priority=r["priority"],
            )
            for r in DEFAULT_ACTOR_RULES
        )


class Migration(migrations.Migration):
    dependencies = [("bibliometrics", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
