"""`python -m matching propose INPUT.json [-o OUTPUT.json] [--language ja|en]` — the engine over the open JSON format.

No database and no Django: reads the input document, writes the output document (stdout without -o).
Bad input exits with status 2 and a message naming the item at fault.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from matching.engine import ProblemError, load_problem
from matching.engine.core import MatchSession
from matching.engine.explain import LANGUAGES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m matching", description="Explainable startup–challenge matching."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    propose = commands.add_parser("propose", help="score, assign and explain; see docs/matching.md")
    propose.add_argument("input", help="input JSON file ('-' for standard input)")
    propose.add_argument("-o", "--output", help="output JSON file (default: standard output)")
    propose.add_argument(
        "--language", choices=LANGUAGES, default="ja", help="language of the reasons (default ja)"
    )
    return parser


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.input == "-":
            data = json.load(sys.stdin)
        else:
            with open(args.input, encoding="utf-8") as handle:
                data = json.load(handle)
    except OSError as error:
        return _fail(f"{args.input}: cannot read: {error.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _fail(f"{args.input}: malformed JSON: {error}")
    try:
        problem = load_problem(data)
        loaded = time.perf_counter() - started
        session = MatchSession(problem)
        result = session.propose(language=args.language)
    except ProblemError as error:
        return _fail(str(error))
    result.durations_s = {"load": loaded, **result.durations_s}
    result.durations_s["total"] = time.perf_counter() - started
    if result.gap > 0.001:
        print(f"warning: assignment within {result.gap:.4%} of the proven bound only", file=sys.stderr)
    text = json.dumps(result.to_json(), ensure_ascii=False, indent=1)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
