"""`manage.py annual_report --fy 2017 --output FILE.pdf`: the 成果報告書 of one fiscal year, with progress.

Renders in this process (no task queue) and writes the PDF where asked; `--store` also keeps it as the current
rendering for the admin (the same file the background task would have made for this data).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from portal.reports import selectors
from portal.reports.fonts import JapaneseFontMissing
from portal.reports.models import ReportFile
from portal.reports.rendering import annual_report_pdf, annual_report_render


class Command(BaseCommand):
    help = "Render the annual results report (成果報告書) of a fiscal year to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fy", type=int, required=True, help="fiscal year, named by its first year (2017)"
        )
        parser.add_argument("--output", required=True, help="where to write the PDF")
        parser.add_argument("--language", default="ja", choices=["ja", "en"])
        parser.add_argument(
            "--store", action="store_true", help="also keep it as the admin's current rendering for this data"
        )

    def handle(self, *args, fy: int, output: str, language: str, store: bool, **options):
        if not 2000 <= fy <= 2100:
            raise CommandError(f"--fy {fy}: expected a fiscal year such as 2017")
        verbosity = options.get("verbosity", 1)

        def progress(percent: int, step: str) -> None:
            if verbosity:
                self.stdout.write(f"[{percent:3d}%] {step}")

        try:
            with translation.override(language):
                if store:
                    fingerprint = selectors.annual_report_fingerprint(fy)
                    report_file, _created = ReportFile.objects.get_or_create(
                        kind=ReportFile.Kind.ANNUAL,
                        fiscal_year=fy,
                        language=language,
                        fingerprint=fingerprint,
                    )
                    report_file = annual_report_render(report_file=report_file, progress=progress)
                    with report_file.file.open("rb") as fh:
                        data = fh.read()
                else:
                    data = annual_report_pdf(fiscal_year=fy, progress=progress)
        except JapaneseFontMissing as exc:
            raise CommandError(str(exc)) from exc
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} does not exist")
        path.write_bytes(data)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"FY{fy}: {len(data):,} bytes written to {path}"))
