"""Is this deployment ready? `check --deploy` (Django's and ours) plus live checks; non-zero exit on any problem."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, SystemCheckError

from portal.core.deployment import live_findings


class Command(BaseCommand):
    help = (
        "Run `check --deploy` (fail level WARNING) and the live checks: database reachable, migrations applied, "
        "caches reachable, media and index folders writable, static files collected, task worker keeping up. "
        "Exits non-zero when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-grace-minutes",
            type=int,
            default=15,
            help="A task queued longer ago than this and not taken means no worker (default 15).",
        )

    def handle(self, *args, worker_grace_minutes: int, **options):
        problems = 0
        out = StringIO()
        try:
            call_command("check", deploy=True, fail_level="WARNING", stdout=out, stderr=out)
        except SystemCheckError as exc:
            problems += 1
            self.stdout.write(f"PROBLEM  check --deploy\n{exc}")
        else:
            self.stdout.write(f"ok       check --deploy: {out.getvalue().strip()}")
        for finding in live_findings(waiting_after=dt.timedelta(minutes=worker_grace_minutes)):
            problems += not finding.ok
            mark = "ok      " if finding.ok else "PROBLEM "
            self.stdout.write(f"{mark} {finding.what}" + (f": {finding.detail}" if finding.detail else ""))
        if problems:
            raise CommandError(f"{problems} problem(s) found: see the lines marked PROBLEM.")
        self.stdout.write("The deployment is ready.")
