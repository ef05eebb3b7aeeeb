"""Ranking quality on a labelled set, as Markdown tables (or JSON): the figures for docs/benchmarks.md.

    .venv/bin/python bench/matching/evaluate.py                       # tests/data/matching_eval*.json
    .venv/bin/python bench/matching/evaluate.py INPUT.json LABELS.json [--kinds KINDS.json] [--split SPLIT.json]
                                                [--json] [--no-ablations]

Without file names it reads the labelled set of tests/data (and its kinds and split files when they exist:
matching_eval_kinds.json, matching_eval_split.json). The protocol — metrics, bootstrap, baselines, ablations — is
matching/engine/evaluation.py (docs/matching.md, "Evaluation").
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


def _read(path: Path | None):
    return json.loads(path.read_text(encoding="utf-8")) if path is not None else None


def _default(name: str) -> Path | None:
    path = DATA / name
    return path if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", type=Path, default=DATA / "matching_eval.json")
    parser.add_argument("labels", nargs="?", type=Path, default=DATA / "matching_eval_labels.json")
    parser.add_argument("--kinds", type=Path, default=None, help="pair kinds JSON")
    parser.add_argument("--split", type=Path, default=None, help="development/test split JSON")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--no-ablations", action="store_true")
    args = parser.parse_args(argv)
    defaults = args.input == DATA / "matching_eval.json"
    kinds = args.kinds or (_default("matching_eval_kinds.json") if defaults else None)
    split = args.split or (_default("matching_eval_split.json") if defaults else None)

    problem = load_problem(_read(args.input))
    started = time.perf_counter()
    report = evaluation_report(
        problem, _read(args.labels), kinds=_read(kinds), split=_read(split), ablations=not args.no_ablations
    )
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{len(problem.challenges)} challenges × {len(problem.startups)} startups; {args.labels.name}", end=""
    )
    print(
        f"{'; kinds ' + kinds.name if kinds else ''}{'; split ' + split.name if split else ''}; {seconds:.1f} s"
    )
    print()
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
