"""`manage.py matching_report [--json] [--run RUN_ID] [--weights text=0.4,...] [--no-ablations]`

Measures the engine against the programme's real decisions: for every challenge with reviewed proposals, accepted
pairs and pairs whose engagement reached a finished PoC, a contract, deployment or adoption elsewhere are the
matches to find (grade 2); rejected pairs are known negatives, and the report says how many of them the engine puts
in its top 3. By default the engine re-ranks those challenges on today's profiles, next to its per-factor ablations,
a character-bigram TF-IDF baseline and random orders (docs/matching.md, "Evaluation"); `--run` measures the ranks a
past run stored instead.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from matching import selectors, services
from matching.engine import ProblemError, load_problem
from matching.engine import evaluation as protocol
from matching.models import DEFAULT_CAPACITY, MatchRun

from .run_matching import describe, parse_weights

NO_DECISIONS = (
    "No reviewed proposals yet: there are no accepted or rejected pairs to measure the engine against. "
    "Review proposals in Matching → Runs, then run this again."
)


class Command(BaseCommand):
    help = "Measure the matching engine against accepted, rejected and outcome-confirmed proposals."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--run", type=int, default=None, metavar="RUN_ID", help="measure the ranks stored by a past run"
        )
        parser.add_argument(
            "--weights", default="", help="factor weights for the re-run, e.g. text=0.4 (others default)"
        )
        parser.add_argument(
            "--no-ablations", action="store_true", help="skip the per-factor ablations (one engine run each)"
        )

    def handle(self, *args, **options):
        decisions = selectors.decision_labels()
        counts = {
            "challenges": decisions.challenges,
            "accepted": decisions.accepted,
            "rejected": decisions.rejected,
            "outcome_confirmed": decisions.outcome_confirmed,
        }
        if not decisions.labels:
            if options["json"]:
                self.stdout.write(json.dumps({"decisions": counts, "message": NO_DECISIONS}, indent=2))
            else:
                self.stdout.write(NO_DECISIONS)
            return

        if options["run"] is not None:
            report = self._stored(options["run"], decisions.labels)
        else:
            report = self._rerun(options, decisions.labels)
        engine = report["parts"]["all"][report["ranking"]]
        report["decisions"] = {**counts, "rejections_in_top3": round(engine["negatives_in_top3"])}

        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False, default=str))
            return
        self.stdout.write(self._text(report))

    # --- the two sources of ranks ---------------------------------------------------------------------------------

    def _rerun(self, options, labels) -> dict:
        try:
            weights = services.clean_weights(parse_weights(options["weights"]))
        except ValidationError as error:
            raise CommandError(describe(error)) from error
        built = selectors.build_evaluation_input(
            challenge_ids=labels.keys(), weights=weights, default_capacity=DEFAULT_CAPACITY
        )
        try:
            problem = load_problem(built.data)
            report = protocol.evaluation_report(problem, labels, ablations=not options["no_ablations"])
        except ProblemError as error:
            raise CommandError(f"the live data cannot be evaluated: {error}") from error
        report["source"] = f"the engine re-run on today's data ({built.summary['startups']} startups)"
        report["ranking"] = "engine"
        report["input"] = {k: v for k, v in built.summary.items() if k != "skipped_startups"}
        return report

    def _stored(self, run_id: int, labels) -> dict:
        run = MatchRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"there is no run {run_id}")
        if run.status != MatchRun.Status.DONE:
            raise CommandError(f"run {run_id} is {run.status}, not done: it has no ranks to measure")
        rankings = selectors.stored_rankings(run)
        ranked = {c: grades for c, grades in labels.items() if c in rankings}
        name = f"run {run.pk}"
        return {
            "metrics": list(protocol.METRICS),
            "resamples": protocol.RESAMPLES,
            "confidence": protocol.CONFIDENCE,
            "seed": protocol.SEED,
            "random_runs": 0,
            "weights": run.weights_normalised,
            # labelled challenges the run did not rank (e.g. decided before it) are left out
            "left_out": {"challenges": len(labels) - len(ranked), "pairs": 0},
            "parts": {"all": {name: protocol.measure(rankings, ranked)}},
            "source": f"the ranks stored by run {run.pk} (its top {run.top_k} per challenge and assigned pairs; "
            f"a correct startup it did not store counts as unranked)",
            "ranking": name,
        }

    # --- text -----------------------------------------------------------------------------------------------------

    def _text(self, report: dict) -> str:
        d = report["decisions"]
        lines = [
            "Matching engine against the programme's decisions",
            f"Labels: {d['challenges']} challenges with decisions; {d['accepted']} accepted pairs, "
            f"{d['outcome_confirmed']} outcome-confirmed (PoC done or further), {d['rejected']} rejected.",
            f"Ranks: {report['source']}.",
        ]
        measured = report["parts"]["all"][report["ranking"]]["challenges"]
        if measured < d["challenges"]:
            lines.append(
                f"Measured: {measured} challenges with a match to find "
                f"({d['challenges'] - measured} have only rejections, or were not ranked)."
            )
        left_out = report["left_out"]
        if left_out["pairs"]:
            lines.append(
                f"Left out: {left_out['pairs']} labelled pairs whose startup is no longer active or has no "
                "prefecture."
            )
        lines.append(
            f"Rejections in the top 3: {d['rejections_in_top3']} of {d['rejected']} rejected pairs "
            f"ranked 1–3 by {report['ranking']}."
        )
        lines += ["", protocol.format_report(report)]
        return "\n".join(lines)
