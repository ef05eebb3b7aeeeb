"""`manage.py run_matching [--weights text=0.4,themes=0.2] [--budget YEN] [--top-k K] [--capacity N] [--enqueue]`

Runs the matching engine over the live data now (with a progress bar), or hands the run to the task worker with
--enqueue. The run and its proposals are then reviewed in the admin (Matching → Runs).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from matching import services, tasks
from matching.models import DEFAULT_CAPACITY, DEFAULT_TOP_K, MatchRun

BAR_WIDTH = 30


def parse_weights(text: str) -> dict[str, float]:
    """'text=0.4,themes=0.2' → {'text': 0.4, 'themes': 0.2} (names and values are checked by the service)."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise CommandError(f"--weights: expected name=value, got {part!r}")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise CommandError(f"--weights: {name.strip()} must be a number, got {value!r}") from None
    return weights


def non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def describe(error: ValidationError) -> str:
    """'field: message; …' so that the operator knows which option was wrong."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return "; ".join(error.messages)


class Command(BaseCommand):
    help = "Run the matching engine over the live data and save the proposals for review."

    def add_arguments(self, parser):
        parser.add_argument(
            "--weights", default="", help="factor weights, e.g. text=0.4,themes=0.2 (others default)"
        )
        parser.add_argument("--budget", type=non_negative, default=None, help="travel-support budget in yen")
        parser.add_argument("--top-k", type=int, default=DEFAULT_TOP_K, help="proposals per challenge")
        parser.add_argument(
            "--capacity", type=non_negative, default=DEFAULT_CAPACITY, help="matches per startup"
        )
        parser.add_argument("--enqueue", action="store_true", help="hand the run to the task worker instead")

    def handle(self, *args, **options):
        parameters = {
            "weights": parse_weights(options["weights"]),
            "top_k": options["top_k"],
            "travel_budget_yen": options["budget"],
            "default_capacity": options["capacity"],
        }
        try:
            if options["enqueue"]:
                run = tasks.match_run_start(actor=None, **parameters)
                self.stdout.write(f"run {run.pk} enqueued ({run.get_status_display()})")
                return
            run = services.match_run_create(actor=None, **parameters)
        except ValidationError as error:
            raise CommandError(describe(error)) from error
        run = services.match_run_execute(run=run, progress=self._bar)
        self.stdout.write("")
        if run.status != MatchRun.Status.DONE:
            raise CommandError(f"run {run.pk} failed: {run.error}")
        summary = run.input_summary
        self.stdout.write(
            self.style.SUCCESS(
                f"run {run.pk} done: {run.proposals.count()} proposals "
                f"({run.proposals.filter(assigned=True).count()} assigned) for {summary.get('challenges', 0)} "
                f"challenges and {summary.get('startups', 0)} startups in {run.durations_s.get('total', 0):.2f} s; "
                f"input {run.input_fingerprint[:12]}"
            )
        )

    def _bar(self, percent: int, step: str) -> None:
        label = str(services.STEPS.get(step, (0, step))[1])
        filled = BAR_WIDTH * percent // 100
        self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% {label}", ending="")
        self.stdout.flush()
