"""Ranking quality on a labelled set, as Markdown tables (or JSON): the figures for docs/benchmarks.md.

    .venv/bin/python bench/matching/evaluate.py                 # tests/data/matching_eval_v2 (kinds and split)
    .venv/bin/python bench/matching/evaluate.py --set v1        # tests/data/matching_eval*.json
    .venv/bin/python bench/matching/evaluate.py INPUT.json LABELS.json [--kinds KINDS.json] [--split SPLIT.json]
    options: --json (the whole report), --no-ablations

The protocol — metrics, bootstrap, baselines, ablations — is matching/engine/evaluation.py (docs/matching.md,
"Evaluation"). The v2 set's test half is for the final report only: tune on its development half.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from matching.engine import load_problem  # noqa: E402
from matching.engine.evaluation import evaluation_report, format_report  # noqa: E402

DATA = ROOT / "tests" / "data"
V2 = DATA / "matching_eval_v2"
SETS = {
    "v2": (V2 / "problem.json", V2 / "labels.json", V2 / "pairs.json", V2 / "split.json"),
    "v1": (DATA / "matching_eval.json", DATA / "matching_eval_labels.json", None, None),
}


def _read(path: Path | None):
    return json.loads(path.read_text(encoding="utf-8")) if path is not None else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", type=Path, help="engine input JSON (default: the --set's)")
    parser.add_argument("labels", nargs="?", type=Path, help="labels JSON {challenge: {startup: grade}}")
    parser.add_argument("--set", choices=sorted(SETS), default="v2", help="labelled set in tests/data")
    parser.add_argument(
        "--kinds", type=Path, default=None, help="pair kinds JSON {challenge: {startup: kind}}"
    )
    parser.add_argument(
        "--split", type=Path, default=None, help='split JSON {"development": [..], "test": [..]}'
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--no-ablations", action="store_true")
    args = parser.parse_args(argv)
    if (args.input is None) != (args.labels is None):
        parser.error("give both INPUT and LABELS, or neither")
    if args.input is None:
        args.input, args.labels, kinds, split = SETS[args.set]
        kinds, split = args.kinds or kinds, args.split or split
    else:
        kinds, split = args.kinds, args.split

    problem = load_problem(_read(args.input))
    started = time.perf_counter()
    report = evaluation_report(
        problem, _read(args.labels), kinds=_read(kinds), split=_read(split), ablations=not args.no_ablations
    )
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    files = ", ".join(
        str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in (args.labels, kinds, split) if p
    )
    print(
        f"{len(problem.challenges)} challenges × {len(problem.startups)} startups; {files}; {seconds:.1f} s"
    )
    print()
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
