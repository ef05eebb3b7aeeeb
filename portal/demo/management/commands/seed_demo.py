"""`python manage.py seed_demo`: create (or refresh) the demo data and print one login per kind of user."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from portal.demo import data
from portal.demo.seed import STEPS, seed_all


class Command(BaseCommand):
    help = "Create the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        done = []

        def progress(name):
            done.append(name)
            self.stderr.write(
                f"\r[{'#' * len(done)}{'.' * (len(STEPS) - len(done))}] {len(done)}/{len(STEPS)} {name:<30}",
                ending="",
            )

        # Demo notifications stay in the app: nobody should get e-mail from seeding.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = seed_all(progress=progress)
        self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(result.municipalities)} municipalities, {len(result.startups)} startups."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {data.DEMO_PASSWORD}):")
        for kind, email, lands in result.logins:
            self.stdout.write(f"  {kind:<13} {email:<32} → {lands}")
