"""The engine over the open JSON format, no database and no Django.

    python -m matching propose INPUT.json [-o OUTPUT.json] [--language ja|en]   # score, assign, explain
    python -m matching embed INPUT.json [-o OUTPUT.json]                        # add sentence embeddings once

`propose` reads the input document and writes the output document (stdout without -o). `embed` writes the input
document back with an `embedding` on every challenge and startup that has none (the sentence model, once per text,
written in the compact form: base64 of the float32 values), so that repeated runs on the same file never embed
again. Bad input exits with status 2 and a message naming the item at fault.
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
    embed = commands.add_parser("embed", help="add sentence embeddings to an input file, once per text")
    embed.add_argument("input", help="input JSON file ('-' for standard input)")
    embed.add_argument("-o", "--output", help="output JSON file (default: standard output)")
    return parser


def _embed(data: dict, problem) -> dict:
    """The input document with an embedding on every item that lacks one, embedded in batches with progress."""
    from matching.engine.embedding import embed_challenges, embed_startups
    from matching.engine.problem import encode_embedding
    from matching.engine.scoring import challenge_text, startup_text

    jobs = [
        ("challenges", embed_challenges, challenge_text, problem.challenges),
        ("startups", embed_startups, startup_text, problem.startups),
    ]
    for key, embed, text_of, items in jobs:
        missing = [k for k, item in enumerate(items) if item.embedding is None]
        for start in range(0, len(missing), 32):
            batch = missing[start : start + 32]
            vectors = embed([text_of(items[k]) for k in batch])
            for k, vector in zip(batch, vectors, strict=True):
                data[key][k]["embedding"] = encode_embedding(vector)
            print(f"{key}: {start + len(batch)} / {len(missing)} embedded", file=sys.stderr)
    return data


def _write(document: dict, output: str | None) -> None:
    """The document as JSON, one item of each top-level list per line (readable, and written by the C encoder:
    `json.dumps` with `indent` takes the pure-Python path, several times slower on thousands of proposals)."""
    text = _lines(document)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


def _lines(document: dict) -> str:
    parts = []
    for key, value in document.items():
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value:
            items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f"{name}: [\n  {items}\n ]")
        else:
            parts.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n " + ",\n ".join(parts) + "\n}"


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
        if args.command == "embed":
            _write(_embed(data, problem), args.output)
            return 0
        loaded = time.perf_counter() - started
        session = MatchSession(problem)
        result = session.propose(language=args.language)
    except ProblemError as error:
        return _fail(str(error))
    result.durations_s = {"load": loaded, **result.durations_s}
    result.durations_s["total"] = time.perf_counter() - started
    if result.gap > 0.001:
        print(f"warning: assignment within {result.gap:.4%} of the proven bound only", file=sys.stderr)
    _write(result.to_json(), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
