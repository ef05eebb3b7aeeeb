"""`manage.py load_geo`: refresh prefectures and local governments from portal/geo/data/*.csv (idempotent)."""

from django.core.management.base import BaseCommand

from portal.geo.services import geo_refresh

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Create or update prefectures and local-government codes from the committed CSV data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-progress", action="store_true", help="do not draw the progress bar on stderr"
        )

    def handle(self, *args, no_progress=False, **options):
        step = 0

        def progress(done: int, total: int) -> None:
            nonlocal step
            # Redraw only every ~2 %, and at the end: drawing 2,000 times costs more than the work.
            if done != total and done < step:
                return
            step = done + max(1, total // 50)
            filled = BAR_WIDTH * done // total
            self.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
            if done == total:
                self.stderr.write("")

        result = geo_refresh(progress=None if no_progress else progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"geo data: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
            )
        )
