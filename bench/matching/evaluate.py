"""Ranking quality on a labelled set, as Markdown tables (or JSON): the figures for docs/benchmarks.md.

    .venv/bin/python bench/matching/evaluate.py                       # tests/data/matching_eval_v2/
    .venv/bin/python bench/matching/evaluate.py --set FOLDER          # another labelled set folder
    .venv/bin/python bench/matching/evaluate.py INPUT.json LABELS.json [--kinds KINDS.json] [--split SPLIT.json]
                                                [--json] [--no-ablations]

Without file names it reads the independent labelled set tests/data/matching_eval_v2 (problem, labels, pair kinds,
split and the stored sentence embeddings, see `read_labelled_set`). The protocol — metrics, bootstrap, baselines, ablations — is
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
from matching.engine.evaluation import evaluation_report, format_report, read_labelled_set  # noqa: E402

DATA = ROOT / "tests" / "data"


def _read(path: Path | None):
    return json.loads(path.read_text(encoding="utf-8")) if path is not None else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", type=Path, default=None)
    parser.add_argument("labels", nargs="?", type=Path, default=None)
    parser.add_argument("--set", type=Path, default=DATA / "matching_eval_v2", help="a labelled set folder")
    parser.add_argument("--kinds", type=Path, default=None, help="pair kinds JSON")
    parser.add_argument("--split", type=Path, default=None, help="development/test split JSON")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--no-ablations", action="store_true")
    args = parser.parse_args(argv)
    if args.input is None:
        labelled = read_labelled_set(args.set)
        problem, labels = labelled.problem, labelled.labels
        kinds, split = labelled.kinds, labelled.split
        source = f"{args.set.name}/ ({labelled.embedded} items with a stored embedding)"
    else:
        problem, labels = load_problem(_read(args.input)), _read(args.labels)
        kinds, split = _read(args.kinds), _read(args.split)
        source = f"{args.input.name}, {args.labels.name}"
    started = time.perf_counter()
    report = evaluation_report(problem, labels, kinds=kinds, split=split, ablations=not args.no_ablations)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{len(problem.challenges)} challenges × {len(problem.startups)} startups; {source}; {seconds:.1f} s"
    )
    print()
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
