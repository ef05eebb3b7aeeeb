"""The independent labelled set (tests/data/matching_eval_v2, written without reading the engine): its shape, its
stored embeddings, and the engine above the character-bigram baseline on the development half.

The frozen test half is only reported (docs/matching.md, "Evaluation"), never asserted on or tuned against.
"""

from pathlib import Path

import numpy as np
import pytest

from matching.engine.embedding import MODEL, embed_challenges, embed_startups
from matching.engine.evaluation import evaluation_report, read_labelled_set
from matching.engine.scoring import challenge_text, startup_text

FOLDER = Path(__file__).resolve().parents[1] / "data" / "matching_eval_v2"


@pytest.fixture(scope="module")
def labelled():
    return read_labelled_set(FOLDER)


def test_v2_set_has_the_size_and_mix_the_protocol_asks_for(labelled):
    problem, labels, kinds, split = labelled.problem, labelled.labels, labelled.kinds, labelled.split
    assert len(problem.challenges) >= 60 and len(problem.startups) >= 150
    assert set(labels) == {c.id for c in problem.challenges}
    startups = {s.id for s in problem.startups}
    pairs = [(c, s) for c, grades in labels.items() for s in grades]
    assert all(2 <= len(grades) <= 3 and 2 in grades.values() for grades in labels.values())
    assert all(s in startups for _c, s in pairs)
    paraphrases = sum(kinds[c][s] == "paraphrase" for c, s in pairs)
    assert paraphrases * 2 >= len(pairs)  # at least half of the correct pairs paraphrase the need
    assert set(split["development"]).isdisjoint(split["test"])
    assert set(split["development"]) | set(split["test"]) == set(labels)
    assert len(problem.applications) >= 80
    assert labelled.embedded == len(problem.challenges) + len(problem.startups)


def test_stored_embeddings_are_the_models_for_these_texts(labelled):
    stored = np.load(FOLDER / "embeddings.npz")
    assert str(stored["model"]) == MODEL
    problem = labelled.problem
    challenge, startup = problem.challenges[7], problem.startups[11]
    fresh_c = embed_challenges([challenge_text(challenge)])[0]
    fresh_s = embed_startups([startup_text(startup)])[0]
    assert float(fresh_c @ challenge.embedding) > 0.999 and float(fresh_s @ startup.embedding) > 0.999


def test_engine_beats_the_bigram_baseline_on_the_development_half(labelled):
    report = evaluation_report(
        labelled.problem,
        labelled.labels,
        kinds=labelled.kinds,
        split={"development": labelled.split["development"]},
        ablations=False,
        random_runs=5,
        resamples=200,
    )
    development = report["parts"]["development"]
    engine, baseline = development["engine"]["metrics"], development["bigram_tfidf"]["metrics"]
    assert engine["P@3"]["mean"] >= baseline["P@3"]["mean"] + 0.10, (engine, baseline)
    assert engine["nDCG@5"]["mean"] >= baseline["nDCG@5"]["mean"] + 0.06, (engine, baseline)
    # paraphrased needs are found far more often than by shared characters (conditional P@3 by kind; 0.556 at the
    # commit of docs/matching.md's table, 0.495 before the document vectors)
    assert development["engine"]["kinds"]["paraphrase"]["mean"] >= 0.50
    assert development["engine"]["kinds_raw"]["paraphrase"]["mean"] >= 0.45
    assert development["bigram_tfidf"]["kinds"]["paraphrase"]["mean"] < 0.10
