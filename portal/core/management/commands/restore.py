"""`manage.py restore ARCHIVE.tar.gz`: into an empty database and empty media folders (docs/security.md)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database (no tables) and empty media folders, verifying every "
        "checksum and row count; --force replaces what is there. Then rebuilds the search index."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--force", action="store_true", help="replace a non-empty database and media folders"
        )
        parser.add_argument("--no-index", action="store_true", help="skip rebuilding the search index")

    def handle(self, *args, archive: Path, database: str, force: bool, no_index: bool, **options):
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            manifest = restore(archive, database=database, force=force, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # Code newer than the archive: bring the restored schema up to date.
        call_command("migrate", database=database, interactive=False, verbosity=0)
        if not no_index and database == "default":
            self.stdout.write("Rebuilding the search index…")
            call_command("update_index", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created_at']}."))
