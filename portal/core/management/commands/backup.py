"""`manage.py backup ARCHIVE.tar.gz`: the database and both media trees in one verified archive (docs/security.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz): a consistent database snapshot, public and private media, a manifest."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive: Path, database: str, **options):
        try:
            result = backup(archive, database=database, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for name in result.missing_files:
            self.stderr.write(
                self.style.WARNING(f"A row names {name}, which is not on disk (not in the archive).")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {result.archive}: {sum(result.tables.values())} rows in {len(result.tables)} tables, "
                f"{result.files} files ({result.bytes} bytes)."
            )
        )
