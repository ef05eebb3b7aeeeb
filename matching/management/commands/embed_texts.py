"""`manage.py embed_texts [--all] [--batch-size 32]`

Computes the sentence embeddings that are missing or stale (their text or the model changed since) for every live
challenge and active startup, a batch of texts per call to the model, printing progress; `--all` recomputes the
fresh ones too. Normally a background task computes each embedding when its text is saved (matching/embeddings.py);
this catches up after an import, a model upgrade, a lost task, or with settings.MATCHING_EMBEDDINGS off.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from matching.embeddings import BATCH_SIZE, embeddings_backfill


class Command(BaseCommand):
    help = "Compute the missing or stale text embeddings of live challenges and active startups."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="recompute every embedding, fresh ones too")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="texts per call to the model")

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"embedded {done} / {total}")

        result = embeddings_backfill(
            everything=options["all"], batch_size=options["batch_size"], progress=progress
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{result.computed} embedding(s) computed, {result.total - result.to_compute} already fresh, "
            f"{result.total} text(s) in all ({seconds:.1f} s)."
        )
        if result.changed_meanwhile:
            self.stdout.write(
                f"{result.changed_meanwhile} text(s) changed while being embedded: run this again for them."
            )
