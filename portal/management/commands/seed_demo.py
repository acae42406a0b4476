"""``manage.py seed_demo [--password PW]``: the demo cast and each app's demo data."""

import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.registry import demo_seeders
from portal.roles import demo_cast

# The same cast as the tests': declared with the roles in portal/roles.py.
DEMO_USERS = [(u.username, role, u.first_name, u.last_name) for u, role in demo_cast()]


class Command(BaseCommand):
    help = "Create the demo users (one per role) and each app's demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password of every demo user (default: random)")
        parser.add_argument("--skip-data", action="store_true", help="only the users")

    def handle(self, *args, password=None, skip_data=False, **options):
        chosen = password or secrets.token_urlsafe(12)
        users = self._users(chosen)
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for username, role, *_ in DEMO_USERS:
            label = role.value if role else "admin (superuser)"
            self.stdout.write(f"  {username:<8} {label}")
        self.stdout.write(f"  mot de passe : {chosen}")
        if not skip_data:
            for _label, module in demo_seeders():
                module.seed(users=users, stdout=self.stdout)

    @transaction.atomic
    def _users(self, password: str) -> dict[str, User]:
        users = {}
        for username, role, first, last in DEMO_USERS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.health-data-hub.fr",
                },
            )
            user.is_superuser = user.is_staff = role is None
            user.set_password(password)
            user.save()
            if role is not None:
                user.groups.add(Group.objects.get(name=role.value))
            users[username] = user
        return users
