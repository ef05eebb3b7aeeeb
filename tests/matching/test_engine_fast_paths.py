"""The engine's fast paths give the same output as the straightforward code they replaced.

Content words come from a MeCab call that prints only the fields used, each distinct line once; an explanation's
word pairs are read from the run's kernel arrays, its closest sentences found with one matrix product, its shared
words with a substring test first. The references below are that earlier code, written plainly: the same words on
every text of the labelled set, and the same proposals — scores, reasons and explanations in both languages — on
its problem (real Japanese texts with stored sentence embeddings)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import unidic_lite
from fugashi import Tagger

from matching.engine import MatchSession
from matching.engine import semantic as semantic_module
from matching.engine import text as text_module
from matching.engine.evaluation import read_labelled_set
from matching.engine.scoring import challenge_text, startup_text
from matching.engine.semantic import SemanticText, Word, content_words, sentences
from matching.engine.text import KeywordFinder, normalise_text
from matching.engine.vectors import default_vectors, nfkc

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def labelled():
    return read_labelled_set(ROOT / "tests" / "data" / "matching_eval_v2")


# --- content words: UniDic-lite's own eight-field output, read token by token ---------------------------------------


def reference_token(row: str):
    fields = row.split("\t")  # surface, pronunciation, kana base, lemma, part of speech, …
    if len(fields) < 5:
        return None, False
    surface, lemma, pos = fields[0], fields[3], fields[4].split("-")
    pos1, pos2 = pos[0], pos[1] if len(pos) > 1 else ""
    content = semantic_module._CONTENT.get(pos1, ())
    compoundable = pos1 in semantic_module._COMPOUNDABLE
    if pos2 not in content or (len(pos) > 2 and pos[2] in semantic_module._NAMES):
        return None, compoundable and pos2 in content
    if semantic_module._HIRAGANA.match(surface) or surface.isdigit():
        return None, False
    lemma = nfkc(lemma.split("-", 1)[0] or surface).lower()
    if not semantic_module._WORDISH.search(lemma) or (len(surface) < 2 and surface.isascii()):
        return None, False
    functional = len(pos) > 2 and pos[2] in semantic_module._FUNCTIONAL
    return Word(lemma, surface, (surface, lemma), functional), compoundable


def reference_words(text: str, vectors, tagger) -> list[Word]:
    found = []
    for line in nfkc(text).splitlines():
        if not line.strip():
            continue
        tokens = [reference_token(row) for row in tagger.parse(line).split("\n")]
        k = 0
        while k < len(tokens):
            word, compoundable = tokens[k]
            if word is None:
                k += 1
                continue
            if vectors is not None and compoundable and k + 1 < len(tokens) and tokens[k + 1][1]:
                for length in (3, 2):
                    run = tokens[k : k + length]
                    if len(run) == length and all(w is not None and c for w, c in run):
                        compound = "".join(w.surface for w, _ in run)
                        if vectors.row(compound) >= 0:
                            word = Word(compound.lower(), compound, (compound,))
                            k += length - 1
                            break
            found.append(word)
            k += 1
    return found


def test_content_words_are_those_of_unidic_lites_full_output(labelled):
    tagger = Tagger(f'-d "{unidic_lite.DICDIR}"')
    vectors = default_vectors()
    problem = labelled.problem
    texts = [challenge_text(c) for c in problem.challenges] + [startup_text(s) for s in problem.startups]
    texts += [
        "子どもと子供の見守りにイノシシ対策",
        "スマートフォンで位置情報を。ＧＰＳとLoRaWAN、ｶﾀｶﾅ",
        "",
        "\n\n",
    ]
    checked = 0
    for text in texts:
        for part in [text, *sentences(text)]:
            assert content_words(part, vectors) == reference_words(part, vectors, tagger), part
            assert content_words(part) == reference_words(part, None, tagger), part
            checked += 1
    assert checked > 900


# --- explanations: the earlier evidence and shared-word code -------------------------------------------------------


def reference_pair_kernel(self, c_terms, s_terms):
    if not self._stale:
        s_inside = s_terms < self.s_position.size
        c_position = np.searchsorted(self.c_vocab, c_terms)
        c_known = (c_position < self.c_vocab.size) & (
            self.c_vocab[np.minimum(c_position, self.c_vocab.size - 1)] == c_terms
        )
        if s_inside.all() and c_known.all():
            s_position = self.s_position[s_terms]
            if (s_position >= 0).all():
                return self.K[s_position][:, c_position].T.toarray()
    return self.kernel(c_terms, s_terms).toarray()


def reference_vector(self, terms):
    total = np.zeros(self.vectors.unit.shape[1], dtype=np.float32)
    for term in set(terms):
        row = self.vocab.rows[term]
        if row >= 0:
            weight = self.idf[term] if term < self.idf.size else self.idf.max(initial=1.0)
            total += np.float32(weight) * self.vectors.unit[row]
    norm = float(np.linalg.norm(total))
    return total / norm if norm else None


def reference_best_sentences(self, j, i):
    def vectors(terms, spans):
        return [(sentence, reference_vector(self, terms[start:end])) for sentence, start, end in spans]

    best = None
    startup = vectors(self.s_terms[i], self.s_spans[i])
    for c_sentence, cv in vectors(self.c_terms[j], self.c_spans[j]):
        if cv is None:
            continue
        for s_sentence, sv in startup:
            if sv is not None:
                similarity = float(cv @ sv)
                if best is None or similarity > best[2]:
                    best = (c_sentence, s_sentence, similarity)
    return best


def reference_occurs(word: str, text: str) -> bool:
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        before = text_module._script(text[start - 1]) if start > 0 else ""
        after = text_module._script(text[end]) if end < len(text) else ""
        first, last = text_module._script(word[0]), text_module._script(word[-1])
        if (first == "other" or before != first) and (last == "other" or after != last):
            return True
        start = text.find(word, start + 1)
    return False


def reference_shared(self, first, *others):
    mine = self._words(first)
    targets = [normalise_text(other) for other in others if other]
    common = [w for w in mine if any(reference_occurs(w, target) for target in targets)]
    maximal = [w for w in common if not any(w != longer and w in longer for longer in common)]
    maximal.sort(key=lambda w: (self._df.get(w, 1), -len(w), w))
    return [mine[w] for w in maximal[: self.limit]]


def test_proposals_and_explanations_are_those_of_the_straightforward_code(labelled, monkeypatch):
    fast = MatchSession(labelled.problem).propose(language="ja", languages=("en",))
    with monkeypatch.context() as patch:
        patch.setattr(SemanticText, "_pair_kernel", reference_pair_kernel)
        patch.setattr(SemanticText, "_best_sentences", reference_best_sentences)
        patch.setattr(KeywordFinder, "shared", reference_shared)
        plain = MatchSession(labelled.problem).propose(language="ja", languages=("en",))
    assert len(fast.proposals) > 200 and sum(p.assigned for p in fast.proposals) > 50
    assert sum(bool(p.explanation["sentences"]) for p in fast.proposals) > 50
    assert [p.reasons for p in fast.proposals] == [p.reasons for p in plain.proposals]
    first, second = fast.to_json(), plain.to_json()
    first.pop("durations_s"), second.pop("durations_s")
    assert first == second


def test_occurs_keeps_its_word_boundaries():
    for word, text in [
        ("タグ", "ビーコンタグで見守る"),
        ("タグ", "タグボートの運航"),
        ("ai", "mail の自動返信"),
        ("ai", "生成ai を使う"),
        ("除雪", "除雪車の位置"),
        ("gps", "gpsロガー"),
        ("位置情報", "除雪車の位置情報"),
        ("ドローン", "ドローンで撮影"),
    ]:
        assert text_module.occurs(word, text) == reference_occurs(word, text), (word, text)


def test_kernel_block_sentence_vectors_and_closest_sentences_equal_the_plain_code(labelled):
    semantic = MatchSession(labelled.problem).scorer.semantic
    rng = np.random.default_rng(0)
    sentences_checked = 0
    for _ in range(300):
        i, j = int(rng.integers(len(semantic.s_terms))), int(rng.integers(len(semantic.c_terms)))
        c_terms = np.array(sorted(set(semantic.c_terms[j])), dtype=np.int64)
        s_terms = np.array(sorted(set(semantic.s_terms[i])), dtype=np.int64)
        if c_terms.size and s_terms.size:
            fast = semantic._pair_kernel(c_terms, s_terms)
            assert fast.dtype == np.float32
            assert np.array_equal(fast, reference_pair_kernel(semantic, c_terms, s_terms))
        # every closest pair, whatever its similarity (explanations quote only those from 0.70), to the bit
        expected = reference_best_sentences(semantic, j, i)
        assert semantic._best_sentences(j, i) == expected
        sentences_checked += expected is not None
        for kind, k, text, terms, spans in (
            ("c", j, semantic.challenge_texts[j], semantic.c_terms[j], semantic.c_spans[j]),
            ("s", i, semantic.startup_texts[i], semantic.s_terms[i], semantic.s_spans[i]),
        ):
            plain = [
                (sentence, reference_vector(semantic, terms[start:end])) for sentence, start, end in spans
            ]
            plain = [(sentence, vector) for sentence, vector in plain if vector is not None]
            kept, matrix = semantic._sentence_vectors(kind, k, text)
            assert kept == [sentence for sentence, _ in plain] and matrix.dtype == np.float32
            assert all(np.array_equal(row, vector) for row, (_, vector) in zip(matrix, plain, strict=True))
            for _sentence, start, end in spans:
                vector = semantic._terms_vector(terms[start:end])
                expected = reference_vector(semantic, terms[start:end])
                assert (vector is None and expected is None) or np.array_equal(vector, expected)
    assert sentences_checked > 250


def test_explanations_after_an_edited_profile_follow_its_new_words(labelled, monkeypatch):
    """The per-text caches of explanations are keyed on the text's words: a re-scored profile is read anew."""
    import dataclasses

    def run():
        session = MatchSession(labelled.problem)
        first = session.propose()
        assigned = next(p for p in first.proposals if p.assigned)
        i = session.scorer.startup_index[assigned.startup]
        semantic = session.scorer.semantic
        before = semantic._evidence_terms("s", i)[0].copy()
        edited = dataclasses.replace(
            session.scorer.startups[i], description="除雪車の位置情報を地図で市民に公開するサービス。"
        )
        session.rescore_startup(edited)
        terms, surface = semantic._evidence_terms("s", i)
        assert not np.array_equal(terms, before)
        assert np.array_equal(terms, np.array(sorted(set(semantic.s_terms[i])), dtype=np.int64))
        assert surface == {
            t: w.surface for t, w in zip(semantic.s_terms[i], semantic.s_words[i], strict=True)
        }
        assert "除雪" in surface.values()
        return session.propose().to_json()

    with monkeypatch.context() as patch:
        patch.setattr(SemanticText, "_pair_kernel", reference_pair_kernel)
        patch.setattr(SemanticText, "_best_sentences", reference_best_sentences)
        patch.setattr(KeywordFinder, "shared", reference_shared)
        plain = run()
    fast = run()
    fast.pop("durations_s"), plain.pop("durations_s")
    assert fast == plain


def test_presence_matrix_and_document_frequencies_equal_the_plain_loops():
    from matching.engine.semantic import _presence

    rng = np.random.default_rng(1)
    for _ in range(200):
        n_terms = int(rng.integers(1, 40))
        docs = [
            rng.integers(0, n_terms, int(rng.integers(0, 15))).tolist()
            for _ in range(int(rng.integers(0, 25)))
        ]
        matrix = _presence(docs, n_terms)
        plain = np.zeros((len(docs), n_terms), dtype=np.float32)
        df = np.zeros(n_terms)
        for d, terms in enumerate(docs):
            plain[d, sorted(set(terms))] = 1
            df[list(set(terms))] += 1
        assert matrix.dtype == np.float32 and np.array_equal(matrix.toarray(), plain)
        assert all(list(row.indices) == sorted(set(terms)) for row, terms in zip(matrix, docs, strict=True))
        assert np.array_equal(np.bincount(matrix.indices, minlength=n_terms), df)
