"""Create one group per role declared in portal/roles.py (the single declaration).

If roles are ever added there, add a migration that calls ``sync_role_groups`` again.
"""

from django.db import migrations


def create_role_groups(apps, schema_editor):
    from portal.roles import sync_role_groups

    sync_role_groups(apps.get_model("auth", "Group"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
