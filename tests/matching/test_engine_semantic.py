"""The semantic text factor: word vectors from the installed package, lemmas, paraphrases, evidence, preferences."""

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matching.engine import MatchSession, load_problem, propose
from matching.engine import vectors as vectors_module
from matching.engine.evaluation import bigram_tfidf
from matching.engine.scoring import DOCUMENT_WEIGHT, preference_value
from matching.engine.semantic import SemanticText, content_words
from matching.engine.vectors import INSTALL_LINE, VectorsUnavailable, WordVectors, default_vectors

ROOT = Path(__file__).resolve().parents[2]

# A need written by a municipality, a startup that offers it in other words (no shared key term), and one that
# shares nothing at all.
NEED = "住民からの問い合わせへの対応に職員の時間が取られている。夜間や休日でも答えられる仕組みがほしい。"
PARAPHRASE = "対話型AIが市民の質問に24時間自動で回答する。よくある質問を学習し、窓口の負担を減らす。"
UNRELATED = "牛の体温を首輪のセンサーで測り、分娩の兆候を酪農家のスマートフォンに知らせる。"


def problem(challenges, startups, applications=()):
    return load_problem(
        {
            "challenges": [
                {"id": f"c{j}", "title": title, "description": text, "municipality_code": "372013"}
                for j, (title, text) in enumerate(challenges)
            ],
            "startups": [
                {"id": f"s{i}", "name": f"S{i}", "description": text, "prefecture_code": "37"}
                for i, text in enumerate(startups)
            ],
            "applications": list(applications),
        }
    )


def test_vectors_come_from_the_installed_package_and_lemmas_unify_spellings():
    vectors = default_vectors()
    assert vectors.unit.shape == (20_000, 300)
    assert np.allclose(np.linalg.norm(vectors.unit[:100], axis=1), 1.0, atol=1e-5)
    assert vectors.row("除雪") >= 0 and vectors.row("ドローン") >= 0
    assert vectors.row("ほげふがぴよ") == -1
    words = {w.surface: w.lemma for w in content_words("子どもと子供の見守りにイノシシ対策", vectors)}
    assert words["子ども"] == words["子供"]  # one lemma for two spellings
    assert words["見守り"] == "見守る" and words["イノシシ"] == "猪"
    # particles, light verbs, numbers and place names are not content words
    lemmas = {w.lemma for w in content_words("高松市で3台のドローンを使うことがある", vectors)}
    assert "ドローン" in lemmas and "高松" not in lemmas and "こと" not in lemmas and "3" not in lemmas


def test_a_paraphrase_is_relevant_although_no_character_bigram_is_shared():
    p = problem([("問い合わせ対応", NEED)], [PARAPHRASE, UNRELATED])
    session = MatchSession(p)
    text = session.scorer.text[:, 0]
    assert text[0] > 0.5 > text[1]
    # word relevance alone (no sentence embedding here) already separates them clearly
    semantic = SemanticText(["問い合わせ対応\n" + NEED], [PARAPHRASE, UNRELATED])
    raw = semantic.raw(np.arange(2))[:, 0]
    assert raw[0] > 2 * raw[1]
    # while characters barely see the paraphrase: its bigram cosine is close to the unrelated text's
    rows = bigram_tfidf(["問い合わせ対応\n" + NEED, PARAPHRASE, UNRELATED])
    cosines = (rows[1:] @ rows[0].T).toarray().ravel()
    assert cosines[0] < 0.1 and cosines[1] < 0.1


def test_technology_names_without_a_vector_still_match_exactly():
    p = problem(
        [("LoRaWANで水位を", "LoRaWANの通信網で河川の水位を集めたい。")],
        ["LoRaWAN対応のゲートウェイを設置し保守する。", "河川の氾濫をシミュレーションする。"],
    )
    evidence = MatchSession(p).scorer.semantic.evidence(0, 0)
    assert ("LoRaWAN", "LoRaWAN", 1.0) in evidence.pairs


def test_evidence_aligns_requirement_and_capability_words_without_place_names():
    p = problem(
        [("高松市の問い合わせ対応", "高松市では" + NEED)],
        ["高松に拠点を置く。" + PARAPHRASE, UNRELATED],
    )
    evidence = MatchSession(p).scorer.semantic.evidence(0, 0)
    words = {w for pair in evidence.pairs for w in pair[:2]}
    assert "高松" not in words and "高松市" not in words
    # the need in the challenge's words, the capability in the startup's: 答え ↔ 回答, 住民 ↔ 市民
    assert ("答え", "回答") in {(req, cap) for req, cap, _ in evidence.pairs}, evidence.pairs
    assert ("住民", "市民") in {(req, cap) for req, cap, _ in evidence.pairs}, evidence.pairs
    assert all(0 < similarity <= 1 for _, _, similarity in evidence.pairs)
    challenge_sentence, startup_sentence, similarity = evidence.sentences
    assert "問い合わせ" in challenge_sentence and "質問" in startup_sentence and similarity > 0.5


def test_application_text_is_not_evidence_of_fit():
    base = problem([("問い合わせ対応", NEED)], [PARAPHRASE, UNRELATED])
    echo = problem(
        [("問い合わせ対応", NEED)],
        [PARAPHRASE, UNRELATED],
        [{"startup": "s1", "challenge": "c0", "text": NEED * 3}],  # an applicant echoing the challenge
    )
    assert np.array_equal(MatchSession(base).scorer.text, MatchSession(echo).scorer.text)


def test_one_calibration_for_the_whole_run_keeps_the_order_of_raw_relevance_across_challenges():
    data = json.loads((ROOT / "tests/data/matching_eval.json").read_text(encoding="utf-8"))
    session = MatchSession(load_problem(data))
    semantic = session.scorer.semantic
    rows = np.arange(len(data["startups"]))
    raw = semantic.raw(rows)
    words = semantic.calibrated(raw)
    order = np.argsort(raw.ravel(), kind="stable")
    assert np.all(np.diff(words.ravel()[order]) >= -1e-6)  # monotone over all pairs, not per challenge
    assert words.min() == 0.0 and words.max() == 1.0
    # the document cosine has its own single map, monotone over all pairs too
    cosines = semantic.Ds @ semantic.Dc.T
    documents = semantic.documents(rows)
    order = np.argsort(cosines.ravel(), kind="stable")
    assert np.all(np.diff(documents.ravel()[order]) >= -1e-6)
    assert documents.min() == 0.0 and documents.max() == 1.0
    # no stored embeddings in this file: the text factor is the documented blend of the two
    expected = (1 - DOCUMENT_WEIGHT) * words + DOCUMENT_WEIGHT * documents
    assert np.allclose(session.scorer.text, expected, atol=1e-6)


def test_preferences_move_rankings_as_documented():
    twins = [PARAPHRASE, PARAPHRASE, PARAPHRASE]
    applications = [
        {"startup": "s0", "challenge": "c0", "preference": 3, "grade": -1.0},
        {"startup": "s1", "challenge": "c0", "preference": 1, "grade": 1.0},
    ]
    result = propose(problem([("問い合わせ対応", NEED)], twins, applications))
    order = [p.startup for p in sorted(result.proposals, key=lambda p: p.rank)]
    assert order == [
        "s1",
        "s0",
        "s2",
    ]  # first choice graded +1, then third choice graded −1, then not applied
    by_startup = {p.startup: p.factors["preference"].value for p in result.proposals}
    assert by_startup["s1"] == pytest.approx(1.0)
    assert by_startup["s0"] == pytest.approx(0.5 * 0.6 + 0.5 * 0.0)
    assert by_startup["s2"] == 0.0
    unranked = load_problem(
        {
            "challenges": [{"id": "c", "title": "t", "municipality_code": "372013"}],
            "startups": [{"id": "s", "name": "s", "prefecture_code": "37"}],
            "applications": [{"startup": "s", "challenge": "c", "shortlisted": True}],
        }
    ).applications[0]
    assert preference_value(unranked) == pytest.approx(0.5 * 0.5 + 0.5 * 0.75)  # shortlisted = grade +0.5


def test_missing_vector_package_is_a_clear_error_naming_the_install_line(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ja_ginza" else real(name, *a)
    )
    with pytest.raises(VectorsUnavailable, match="ja-ginza"):
        WordVectors.load()
    assert "--no-deps" in INSTALL_LINE


def test_engine_runs_with_the_network_disabled(tmp_path):
    data = copy.deepcopy(json.loads((ROOT / "tests/data/matching_eval.json").read_text(encoding="utf-8")))
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code = f"""
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from matching.__main__ import main
sys.exit(main(["propose", {str(source)!r}, "-o", {str(tmp_path / "out.json")!r}]))
"""
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    output = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert output["proposals"] and all(0 <= p["factors"]["text"]["value"] <= 1 for p in output["proposals"])


def test_vectors_module_reads_no_private_state_of_other_packages():
    # the package is located by its spec, never imported (its __init__ would import spaCy)
    assert "ja_ginza" not in sys.modules
    assert vectors_module.vocab_dir().name == "vocab"


def test_cli_embed_adds_embeddings_once_and_propose_uses_them(tmp_path):
    data = {
        "challenges": [
            {"id": "c", "title": "問い合わせ対応", "description": NEED, "municipality_code": "372013"}
        ],
        "startups": [
            {"id": "a", "name": "A", "description": PARAPHRASE, "prefecture_code": "37"},
            {"id": "b", "name": "B", "description": UNRELATED, "prefecture_code": "37"},
        ],
    }
    source, embedded = tmp_path / "in.json", tmp_path / "embedded.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "matching", "embed", str(source), "-o", str(embedded)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "startups: 2 / 2 embedded" in run.stderr
    document = json.loads(embedded.read_text(encoding="utf-8"))
    # written in the compact form (base64 of the float32 values, docs/matching.md)
    assert all(
        item["embedding"]["dtype"] == "float32" and item["embedding"]["dimensions"] == 384
        for item in document["challenges"] + document["startups"]
    )
    problem_with = load_problem(document)
    assert abs(float(np.linalg.norm(problem_with.startups[0].embedding)) - 1.0) < 1e-5
    text = MatchSession(problem_with).scorer.text[:, 0]
    assert text[0] > text[1]
    bad = {**data, "startups": [{**data["startups"][0], "embedding": [0.1] * 10}]}
    source.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "matching", "propose", str(source)], cwd=ROOT, capture_output=True, text=True
    )
    assert (
        run.returncode == 2 and 'startups[0] (id "a"): embedding must be a list of 384 numbers' in run.stderr
    )


def test_document_vectors_see_a_paraphrase_and_keep_names_without_a_vector_apart():
    semantic = SemanticText(["問い合わせ対応\n" + NEED], [PARAPHRASE, UNRELATED])
    cosines = (semantic.Ds @ semantic.Dc.T)[:, 0]
    assert cosines[0] > cosines[1] + 0.2  # the whole text's topic, without a shared key term
    assert np.allclose(np.linalg.norm(semantic.Ds, axis=1), 1.0, atol=1e-5)
    # words without a vector get a fixed direction of their own: the same name matches, two names do not
    names = SemanticText(["LoRaWANの通信網"], ["LoRaWANの通信網", "Sigfoxの通信網"])
    terms = np.array([names.vocab.index["lorawan"], names.vocab.index["sigfox"]], dtype=np.int64)
    assert (names.vocab.rows[terms[0]], names.vocab.rows[terms[1]]) == (-1, -1)
    directions = names._term_vectors(terms)
    assert abs(float(directions[0] @ directions[1])) < 0.3
    # term ids differ between runs; the direction depends on the lemma only
    again = SemanticText(["Sigfox", "LoRaWAN"], ["x"])
    same = again._term_vectors(np.array([again.vocab.index["lorawan"]], dtype=np.int64))
    assert np.allclose(same[0], directions[0])
    document = (names.Ds @ names.Dc.T)[:, 0]
    assert document[0] > document[1]


def test_an_edited_profile_gets_its_document_vector_from_the_runs_idf_and_mean():
    semantic = SemanticText(["問い合わせ対応\n" + NEED, "牛の分娩"], [UNRELATED, PARAPHRASE])
    before = semantic.documents(np.arange(2)).copy()
    mean = semantic.doc_mean_s.copy()
    semantic.replace_startup(0, PARAPHRASE)  # now the same text as startup 1
    after = semantic.documents(np.arange(2))
    assert np.allclose(after[0], after[1], atol=1e-6) and np.allclose(after[1], before[1])
    assert np.array_equal(semantic.doc_mean_s, mean)  # the run's mean and calibration stay
