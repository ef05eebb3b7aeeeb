"""python manage.py import_challenges FILE [--publish]: all rows or none; every bad row reported with its line."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.challenges.importer import import_challenges


class Command(BaseCommand):
    help = "Import challenges from a CSV or XLSX file (drafts unless --publish). One bad row: nothing is imported."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish the challenges at once.")

    def handle(self, *args, file: Path, publish: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        show_bar = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / total)
            end = "\n" if done == total else ""
            if show_bar or done == total:
                self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=end)
                self.stdout.flush()

        result = import_challenges(
            content=file.read_bytes(), filename=file.name, publish=publish, progress=progress
        )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was imported.")
        state = "published" if publish else "saved as drafts"
        self.stdout.write(self.style.SUCCESS(f"{len(result.created)} challenge(s) {state}."))
        for org in result.new_organisations:
            self.stdout.write(f"New municipality organisation: {org} ({org.local_government_id})")
