"""Ranking quality against labelled pairs: four metrics with bootstrap intervals, baselines and per-factor ablations.

Labels: {challenge id: {startup id: grade}}, grade 2 = the match a person would make, 1 = plausible, 0 = a known
negative (a rejected proposal: a wrong answer that is counted when it reaches the top 3). A startup without a label
is simply not correct. Optional pair kinds {challenge id: {startup id: "shared" | "paraphrase"}} say whether a
correct pair shares words with the challenge or only paraphrases it; an optional split {"development": [...],
"test": [...]} names challenge ids whose figures are also reported apart.

Per challenge (only challenges with at least one correct startup are measured):

    P@3        hits in the top 3 ÷ min(3, number of correct)      (1.0 is reachable with one or two correct)
    nDCG@5     Σ (2^grade − 1) / log2(rank + 1) over the top 5, ÷ the same for the ideal order
    MRR        1 / rank of the first correct startup (0 if none is ranked)
    recall@10  correct in the top 10 ÷ number of correct
    P@3 kind   per pair kind, conditional: the correct startups of the other kinds taken out of the ranking, then
               hits of that kind in the top 3 ÷ min(3, correct of that kind); the raw figure (other kinds left in
               place, where they take top-3 slots) is reported beside it

Averages over challenges carry a 95 % percentile bootstrap interval (challenges resampled with replacement, 2,000
resamples, fixed seed; the same resamples for every ranking, so intervals are comparable). Every ranking of one
report is measured in the same run: the engine, each factor switched off in turn and each factor alone (a
MatchSession per variant), a character-bigram TF-IDF baseline and random orders (mean of seeded shuffles).
"""

from __future__ import annotations

import dataclasses
import json
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .core import MatchSession
from .problem import FACTORS, Problem, load_problem
from .text import TfidfIndex
from .travel import TravelModel

Labels = Mapping[Any, Mapping[Any, int]]
Kinds = Mapping[Any, Mapping[Any, str]]
Rankings = Mapping[Any, Sequence[Any]]

METRICS = ("P@3", "nDCG@5", "MRR", "recall@10")
RESAMPLES = 2000
CONFIDENCE = 0.95
SEED = 0
RANDOM_RUNS = 50
# resamples drawn at a time: bounds the bootstrap's memory to 250 × challenges × metrics
_RESAMPLE_BLOCK = 250


# --------------------------------------------------------------------------------------------- metrics


def _correct(grades: Mapping[Any, int]) -> set[Any]:
    return {s for s, g in grades.items() if g > 0}


def precision_at(ranking: Sequence[Any], grades: Mapping[Any, int], k: int = 3) -> float:
    """Hits in the top k ÷ min(k, number of correct): a challenge with one good partner scores 1 when it is first
    among the top k. 0 when nothing is correct."""
    correct = _correct(grades)
    if not correct:
        return 0.0
    return sum(1 for s in ranking[:k] if s in correct) / min(k, len(correct))


def ndcg_at(ranking: Sequence[Any], grades: Mapping[Any, int], k: int = 5) -> float:
    """nDCG@k with gain 2^grade − 1 and discount log2(position + 1), position 1 = best."""

    def dcg(gains: Iterable[int]) -> float:
        return sum((2 ** max(g, 0) - 1) / math.log2(p + 2) for p, g in enumerate(list(gains)[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg(grades.get(s, 0) for s in ranking[:k]) / ideal if ideal else 0.0


def reciprocal_rank(ranking: Sequence[Any], grades: Mapping[Any, int]) -> float:
    """1 / position of the first correct startup; 0 when none is in the ranking."""
    correct = _correct(grades)
    for position, startup in enumerate(ranking, start=1):
        if startup in correct:
            return 1.0 / position
    return 0.0


def recall_at(ranking: Sequence[Any], grades: Mapping[Any, int], k: int = 10) -> float:
    """Correct startups in the top k ÷ all correct startups."""
    correct = _correct(grades)
    return sum(1 for s in ranking[:k] if s in correct) / len(correct) if correct else 0.0


def challenge_metrics(ranking: Sequence[Any], grades: Mapping[Any, int]) -> dict[str, float]:
    """The four metrics of one challenge's ranking."""
    return {
        "P@3": precision_at(ranking, grades, 3),
        "nDCG@5": ndcg_at(ranking, grades, 5),
        "MRR": reciprocal_rank(ranking, grades),
        "recall@10": recall_at(ranking, grades, 10),
    }


def kind_precision_at(
    ranking: Sequence[Any],
    grades: Mapping[Any, int],
    kinds: Mapping[Any, str],
    kind: str,
    k: int = 3,
    *,
    conditional: bool = True,
) -> float | None:
    """P@k of the correct pairs of one kind; None when the challenge has no correct pair of that kind.

    Conditional (the default, the measure the acceptance point reads): the correct startups of the *other* kinds
    (and correct ones without a kind) are taken out of the ranking first, then hits of that kind in the top k ÷
    min(k, correct of that kind) — the usual way to evaluate a subset of the relevant items, so a perfect ranking
    scores 1.0 for every kind. Raw (`conditional=False`): the same ratio on the ranking as it is, where correct
    startups of the other kind occupy top-k slots, so even a perfect ranking shows a gap between kinds (one shared
    and three paraphrase pairs, the shared one first: paraphrase 2/3).
    """
    correct = _correct(grades)
    of_kind = {s for s in correct if kinds.get(s) == kind}
    if not of_kind:
        return None
    if conditional:
        others = correct - of_kind
        ranking = [s for s in ranking if s not in others]
    return sum(1 for s in ranking[:k] if s in of_kind) / min(k, len(of_kind))


def negatives_in_top(ranking: Sequence[Any], grades: Mapping[Any, int], k: int = 3) -> int:
    """Known negatives (grade 0, e.g. rejected proposals) ranked in the top k."""
    return sum(1 for s in ranking[:k] if s in grades and grades[s] <= 0)


def measured_challenges(labels: Labels) -> list[Any]:
    """The challenges that can be measured: those with at least one correct startup, in label order."""
    return [c for c, grades in labels.items() if _correct(grades)]


# --------------------------------------------------------------------------------------------- bootstrap


def bootstrap_interval(
    values: Sequence[float] | np.ndarray,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> np.ndarray:
    """Percentile bootstrap interval of the mean over challenges.

    `values` is (challenges,) or (challenges, metrics); challenges are resampled with replacement `resamples` times
    (NumPy, a block of resamples at a time) and the interval is the (1 − confidence)/2 and (1 + confidence)/2
    percentiles of the resampled means. Returns [low, high] — shape (2,) or (2, metrics); NaN when empty.
    """
    array = np.asarray(values, dtype=np.float64)
    single = array.ndim == 1
    if single:
        array = array[:, np.newaxis]
    n, m = array.shape
    if n == 0:
        out = np.full((2, m), np.nan)
        return out[:, 0] if single else out
    rng = np.random.default_rng(seed)
    means = np.empty((resamples, m))
    for start in range(0, resamples, _RESAMPLE_BLOCK):
        size = min(_RESAMPLE_BLOCK, resamples - start)
        picks = rng.integers(0, n, size=(size, n))
        means[start : start + size] = array[picks].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    out = np.percentile(means, [100.0 * tail, 100.0 * (1.0 - tail)], axis=0)
    return out[:, 0] if single else out


def _summary(values: np.ndarray, interval: np.ndarray) -> dict[str, float]:
    return {"mean": float(values.mean()), "low": float(interval[0]), "high": float(interval[1])}


# --------------------------------------------------------------------------------------------- rankings


def _rankings_from_matrix(problem: Problem, scores: np.ndarray, seed: int = SEED) -> dict[Any, list[Any]]:
    """Per challenge, every startup best first.

    Ties are broken by one fixed random order of the startups (the same for every ranking), not by input order: a
    labelled set tends to list startups near the challenges they fit, and a factor that ties many startups (stage,
    travel within a prefecture) would otherwise be credited with that order.
    """
    ids = [s.id for s in problem.startups]
    tie_order = np.random.default_rng(seed).permutation(len(ids))
    rankings = {}
    for j, challenge in enumerate(problem.challenges):
        order = np.lexsort((tie_order, -np.asarray(scores[:, j], dtype=np.float64)))
        rankings[challenge.id] = [ids[i] for i in order]
    return rankings


def engine_rankings(
    problem: Problem, session: MatchSession | None = None, *, travel_model: TravelModel | None = None
) -> dict[Any, list[Any]]:
    """Per challenge, all startups ordered by the engine's score (the scouting order shown to staff)."""
    session = session or MatchSession(problem, travel_model=travel_model)
    return _rankings_from_matrix(problem, session.scores)


def char_bigrams(text: str) -> list[str]:
    """The baseline's terms: every pair of adjacent characters of the whole text after NFKC and lower case."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return [text[i : i + 2] for i in range(len(text) - 1)]


def bigram_tfidf(texts: Sequence[str]) -> sp.csr_matrix:
    """Plain TF-IDF over character bigrams: raw counts × smoothed IDF log((1 + N) / (1 + df)) + 1, rows L2-normalised."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for r, text in enumerate(texts):
        for gram in char_bigrams(text):
            rows.append(r)
            cols.append(vocabulary.setdefault(gram, len(vocabulary)))
    counts = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(texts), len(vocabulary))
    )
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0
    weighted = sp.csr_matrix(counts @ sp.diags(idf))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)


def bigram_rankings(problem: Problem) -> dict[Any, list[Any]]:
    """Baseline: cosine of character-bigram TF-IDF, challenge title + description vs startup description."""
    matrix = bigram_tfidf(
        [f"{c.title}\n{c.description}" for c in problem.challenges]
        + [s.description for s in problem.startups]
    )
    n_c = len(problem.challenges)
    scores = (matrix[n_c:] @ matrix[:n_c].T).toarray()
    return _rankings_from_matrix(problem, scores)


def text_only_rankings(problem: Problem) -> dict[Any, list[Any]]:
    """Lexical baseline with the engine's own character analyzer (kanji/katakana unigrams and bigrams, Latin words;
    `text.TfidfIndex`): cosine of the challenge's title + description with the startup's description only."""
    index = TfidfIndex()
    matrix = index.fit_transform(
        [f"{c.title}\n{c.description}" for c in problem.challenges]
        + [s.description for s in problem.startups]
    )
    n_c = len(problem.challenges)
    scores = (matrix[n_c:] @ matrix[:n_c].T).toarray()
    return _rankings_from_matrix(problem, scores)


def random_rankings(problem: Problem, seed: int) -> dict[Any, list[Any]]:
    """Baseline: a seeded random order of all startups per challenge."""
    rng = np.random.default_rng(seed)
    ids = [s.id for s in problem.startups]
    return {c.id: [ids[i] for i in rng.permutation(len(ids))] for c in problem.challenges}


def ablation_problems(problem: Problem) -> dict[str, Problem]:
    """Variants of `problem`: "without_<factor>" (its weight 0, the others kept) and "only_<factor>" (weight 1, the
    others 0), for every factor. A "without" variant that would leave no positive weight is left out."""
    variants: dict[str, Problem] = {}
    weights = problem.weights
    for name in FACTORS:
        without = dataclasses.replace(weights, **{name: 0.0})
        if sum(without.as_dict().values()) > 0:
            variants[f"without_{name}"] = dataclasses.replace(problem, weights=without)
    for name in FACTORS:
        alone = dataclasses.replace(weights, **{f: (1.0 if f == name else 0.0) for f in FACTORS})
        variants[f"only_{name}"] = dataclasses.replace(problem, weights=alone)
    return variants


# --------------------------------------------------------------------------------------------- measuring


def per_challenge(rankings: Rankings, labels: Labels, challenges: Sequence[Any]) -> np.ndarray:
    """Metric values, shape (len(challenges), len(METRICS)); a challenge missing from `rankings` scores 0."""
    out = np.zeros((len(challenges), len(METRICS)))
    for row, challenge in enumerate(challenges):
        values = challenge_metrics(rankings.get(challenge, ()), labels[challenge])
        out[row] = [values[name] for name in METRICS]
    return out


def _kind_values(
    rankings_list: Sequence[Rankings],
    labels: Labels,
    kinds: Kinds,
    challenges: Sequence[Any],
    kind: str,
    *,
    conditional: bool = True,
) -> tuple[list[Any], np.ndarray]:
    """Challenges that have correct pairs of `kind`, and their kind-P@3 (averaged over the rankings given)."""
    measured, values = [], []
    for challenge in challenges:
        per_run = [
            kind_precision_at(
                r.get(challenge, ()),
                labels[challenge],
                kinds.get(challenge, {}),
                kind,
                conditional=conditional,
            )
            for r in rankings_list
        ]
        if per_run[0] is not None:  # None depends on the labels only, so it is the same in every run
            measured.append(challenge)
            values.append(float(np.mean([p for p in per_run if p is not None])))
    return measured, np.array(values)


def measure(
    rankings: Rankings | Sequence[Rankings],
    labels: Labels,
    *,
    challenges: Sequence[Any] | None = None,
    kinds: Kinds | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict:
    """Metrics of one ranking (or the mean over several, e.g. random shuffles) on `challenges` (default: every
    labelled one): per challenge and averaged with bootstrap intervals over the challenges with a correct startup,
    P@3 per pair kind ("kinds": conditional; "kinds_raw": raw, see `kind_precision_at`), and how many known
    negatives reached the top 3 (over all the challenges given)."""
    rankings_list = [rankings] if isinstance(rankings, Mapping) else list(rankings)
    challenges = [c for c in (labels if challenges is None else challenges) if c in labels]
    measurable = set(measured_challenges(labels))
    measured = [c for c in challenges if c in measurable]
    if measured:
        values = np.mean([per_challenge(r, labels, measured) for r in rankings_list], axis=0)
    else:
        values = np.zeros((0, len(METRICS)))
    intervals = bootstrap_interval(values, resamples=resamples, seed=seed)
    empty = {"mean": None, "low": None, "high": None}
    result: dict[str, Any] = {
        "challenges": len(measured),
        "metrics": {
            name: _summary(values[:, k], intervals[:, k]) if measured else dict(empty)
            for k, name in enumerate(METRICS)
        },
        "per_challenge": {
            str(c): {name: float(values[row, k]) for k, name in enumerate(METRICS)}
            for row, c in enumerate(measured)
        },
        "kinds": {},
    }
    result["kinds_raw"] = {}
    for kind in sorted({k for by_startup in (kinds or {}).values() for k in by_startup.values()}):
        for key, conditional in (("kinds", True), ("kinds_raw", False)):
            with_kind, kind_values = _kind_values(
                rankings_list, labels, kinds or {}, measured, kind, conditional=conditional
            )
            if with_kind:
                interval = bootstrap_interval(kind_values, resamples=resamples, seed=seed)
                result[key][kind] = {"challenges": len(with_kind), **_summary(kind_values, interval)}
    result["negatives_in_top3"] = float(
        sum(
            np.mean([negatives_in_top(r.get(c, ()), labels[c], 3) for r in rankings_list]) for c in challenges
        )
    )
    return result


def evaluation_report(
    problem: Problem,
    labels: Labels,
    *,
    kinds: Kinds | None = None,
    split: Mapping[str, Sequence[Any]] | None = None,
    ablations: bool = True,
    random_runs: int = RANDOM_RUNS,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    travel_model: TravelModel | None = None,
) -> dict:
    """Measure the engine, its ablations, the bigram TF-IDF baseline and random orders against `labels` in one run.

    Labels naming a challenge or startup missing from `problem` are left out (counted in "left_out"). The report has
    one part per subset of challenges — "all", plus each part of `split` — each with every ranking's metrics (see
    `measure`). One MatchSession per ablation variant (2 × factors sessions; fine up to a few hundred startups).
    """
    challenge_ids = {c.id for c in problem.challenges}
    startup_ids = {s.id for s in problem.startups}
    kept: dict[Any, dict[Any, int]] = {}
    left_out = {"challenges": 0, "pairs": 0}
    for challenge, grades in labels.items():
        if challenge not in challenge_ids:
            left_out["challenges"] += 1
            left_out["pairs"] += len(grades)
            continue
        kept[challenge] = {s: g for s, g in grades.items() if s in startup_ids}
        left_out["pairs"] += len(grades) - len(kept[challenge])

    rankings: dict[str, Rankings | list[Rankings]] = {
        "engine": engine_rankings(problem, travel_model=travel_model)
    }
    rankings["bigram_tfidf"] = bigram_rankings(problem)
    rankings["random"] = [random_rankings(problem, s) for s in range(random_runs)]
    if ablations:
        for name, variant in ablation_problems(problem).items():
            rankings[name] = engine_rankings(variant, travel_model=travel_model)

    parts: dict[str, list[Any]] = {"all": list(kept)}
    for part, members in (split or {}).items():
        parts[part] = [c for c in members if c in kept]
    measured = {
        part: {
            name: measure(r, kept, challenges=members, kinds=kinds, resamples=resamples, seed=seed)
            for name, r in rankings.items()
        }
        for part, members in parts.items()
    }
    for by_ranking in measured.values():
        add_differences(by_ranking, reference="engine", resamples=resamples, seed=seed)
    return {
        "metrics": list(METRICS),
        "resamples": resamples,
        "confidence": CONFIDENCE,
        "seed": seed,
        "random_runs": random_runs,
        "weights": problem.weights.normalised(),
        "left_out": left_out,
        "parts": measured,
    }


def add_differences(
    by_ranking: dict[str, dict], *, reference: str, resamples: int = RESAMPLES, seed: int = SEED
) -> None:
    """Give every other ranking's result a "vs_<reference>" entry: the mean per-challenge difference of each metric
    (ranking − reference) with a paired bootstrap interval (the same challenges resampled for both), which is
    narrower and more telling than comparing two intervals that each carry the spread between challenges."""
    base = by_ranking.get(reference)
    if base is None or not base["per_challenge"]:
        return
    challenges = list(base["per_challenge"])
    reference_values = np.array([[base["per_challenge"][c][m] for m in METRICS] for c in challenges])
    for name, result in by_ranking.items():
        if name == reference:
            continue
        values = np.array([[result["per_challenge"][c][m] for m in METRICS] for c in challenges])
        differences = values - reference_values
        interval = bootstrap_interval(differences, resamples=resamples, seed=seed)
        result[f"vs_{reference}"] = {
            m: _summary(differences[:, k], interval[:, k]) for k, m in enumerate(METRICS)
        }


def ranking_label(name: str, random_runs: int = RANDOM_RUNS) -> str:
    """A readable name for a ranking key of the report."""
    if name.startswith("without_"):
        return f"engine without `{name.removeprefix('without_')}`"
    if name.startswith("only_"):
        return f"engine, `{name.removeprefix('only_')}` only"
    return {
        "engine": "engine",
        "bigram_tfidf": "character-bigram TF-IDF",
        "random": f"random (mean of {random_runs} shuffles)",
    }.get(name, name)


def _cell(summary: dict) -> str:
    if summary.get("mean") is None:
        return "—"
    return f"{summary['mean']:.3f} [{summary['low']:.3f}, {summary['high']:.3f}]"


def _signed(summary: dict) -> str:
    return f"{summary['mean']:+.3f} [{summary['low']:+.3f}, {summary['high']:+.3f}]"


def format_report(report: dict) -> str:
    """The report as Markdown tables: per part, each ranking's four metrics with their bootstrap intervals, known
    negatives in the top 3 when there are any, and P@3 per pair kind when kinds were given (conditional, with its
    interval, then the raw figure — see `kind_precision_at`)."""
    lines: list[str] = []
    confidence = round(100 * report["confidence"])
    for part, by_ranking in report["parts"].items():
        first = next(iter(by_ranking.values()), None)
        if first is None:
            continue
        lines.append(f"### {part} ({first['challenges']} challenges)")
        lines.append("")
        negatives = any(r["negatives_in_top3"] for r in by_ranking.values())
        kinds = sorted({k for r in by_ranking.values() for k in r["kinds"]})
        header = ["ranking", *report["metrics"]]
        header += ["rejections in the top 3"] if negatives else []
        header += [f"P@3 {kind} (challenges)" for kind in kinds]
        header += [f"raw P@3 {kind}" for kind in kinds]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for name, result in by_ranking.items():
            row = [ranking_label(name, report["random_runs"])]
            row += [_cell(result["metrics"][m]) for m in report["metrics"]]
            if negatives:
                count = result["negatives_in_top3"]
                row.append(f"{count:.0f}" if float(count).is_integer() else f"{count:.2f}")
            for kind in kinds:
                entry = result["kinds"].get(kind)
                row.append(f"{_cell(entry)} ({entry['challenges']})" if entry else "—")
            for kind in kinds:
                entry = result.get("kinds_raw", {}).get(kind)
                row.append(f"{entry['mean']:.3f}" if entry else "—")
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
        compared = [(n, r["vs_engine"]) for n, r in by_ranking.items() if "vs_engine" in r]
        if compared:
            lines.append(
                "Difference from the engine, per challenge (paired bootstrap; negative = worse than it):"
            )
            lines.append("")
            lines.append("| ranking | " + " | ".join(f"Δ {m}" for m in report["metrics"]) + " |")
            lines.append("|" + "---|" * (1 + len(report["metrics"])))
            for name, differences in compared:
                cells = [_signed(differences[m]) for m in report["metrics"]]
                lines.append(f"| {ranking_label(name, report['random_runs'])} | " + " | ".join(cells) + " |")
            lines.append("")
    lines.append(
        f"Means over challenges with {confidence} % percentile bootstrap intervals "
        f"({report['resamples']:,} resamples of the challenges, seed {report['seed']})."
    )
    return "\n".join(lines)


def compare(
    problem: Problem, labels: Labels, random_runs: int = RANDOM_RUNS, **options: Any
) -> dict[str, dict[str, float]]:
    """Mean metrics of the engine, the bigram TF-IDF baseline and random orders ({ranking: {metric: mean}}),
    without ablations: the short form of `evaluation_report`."""
    report = evaluation_report(problem, labels, ablations=False, random_runs=random_runs, **options)
    return {
        name: {metric: summary["mean"] for metric, summary in result["metrics"].items()}
        for name, result in report["parts"]["all"].items()
    }


# --------------------------------------------------------------------------------------------- labelled sets on disk


@dataclasses.dataclass
class LabelledSet:
    """A labelled evaluation set read from a folder: problem.json, labels.json, and when present pairs.json (kinds),
    split.json and embeddings.npz (the stored sentence embeddings, attached to the problem's items)."""

    problem: Problem
    labels: dict
    kinds: dict | None
    split: dict | None
    embedded: int  # items that got a stored embedding


def read_labelled_set(folder) -> LabelledSet:
    """Read a labelled set folder (tests/data/matching_eval_v2 is one). Embeddings are attached by id; an item
    without one keeps None (the engine then uses word relevance alone for its pairs)."""
    folder = Path(folder)

    def read(name):
        path = folder / name
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    problem = load_problem(read("problem.json"))
    embedded = 0
    if (folder / "embeddings.npz").exists():
        stored = np.load(folder / "embeddings.npz")

        def vectors(ids, matrix):
            return {
                i: v / np.linalg.norm(v) for i, v in zip(ids.tolist(), matrix.astype(np.float32), strict=True)
            }

        challenges = vectors(stored["challenge_ids"], stored["challenges"])
        startups = vectors(stored["startup_ids"], stored["startups"])
        problem = dataclasses.replace(
            problem,
            challenges=tuple(
                dataclasses.replace(c, embedding=challenges.get(c.id)) for c in problem.challenges
            ),
            startups=tuple(dataclasses.replace(s, embedding=startups.get(s.id)) for s in problem.startups),
        )
        embedded = sum(c.id in challenges for c in problem.challenges) + sum(
            s.id in startups for s in problem.startups
        )
    return LabelledSet(problem, read("labels.json"), read("pairs.json"), read("split.json"), embedded)
