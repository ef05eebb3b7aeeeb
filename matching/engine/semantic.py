"""Semantic text relevance in Japanese: content-word lemmas, pretrained word vectors, IDF-weighted best match.

Each text is cut into content words by MeCab (`fugashi` with the UniDic-lite dictionary inside its package): nouns
(common and proper, not place or person names, not numbers), verbs, adjectives and adjectival nouns, keyed by their
lemma so that 子ども = 子供 and 見守り = 見守る. Each word gets a chiVe vector when it has one (`vectors.py`).

Two words are similar when they are the same lemma (1.0) or their vectors' cosine reaches `THRESHOLD`; the
similarity is rounded down to one of `LEVELS`, which makes the kernel a handful of sparse 0/1 matrices. Relevance of
a startup to a challenge is the IDF-weighted best match in both directions:

    coverage(c → s) = Σ_w∈c idf(w) · max_u∈s k(w, u) / Σ_w∈c idf(w)      (the challenge's needs the startup covers)
    coverage(s → c) = the same with the roles swapped                      (how much of the startup is on topic)
    relevance       = DIRECTION · coverage(c → s) + (1 − DIRECTION) · coverage(s → c)

The max over u is exact on the rounded kernel: max_u k(w, u) = Σ_l Δ_l · [∃u: k(w, u) ≥ level_l], and each indicator
is one sparse product (document × word) @ (word × word), so whole blocks of pairs are scored with matrix products.
Words without a vector (product and technology names such as LINE, GIS, LoRaWAN) still match themselves exactly:
that is the lexical component.

A second, whole-text measure reads the same words as one **document vector**: the IDF-weighted sum of the words'
unit vectors (a word without a vector — a product name — gets a fixed pseudo-random direction of its own, so it
matches only itself), normalised, minus the mean vector of its side of the run (challenges, startups), normalised
again. The cosine of two document vectors sees the whole text's topic where the best match sees single words; the
centring takes out what every challenge (or every profile) has in common, which otherwise lifts all pairs alike.

`SemanticText.evidence(j, i)` returns what an official can read: the challenge's requirement words aligned with the
startup's capability words, and the best-matching sentence pair.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .vectors import WordVectors, default_vectors, nfkc

THRESHOLD = 0.50  # cosine below which two different words count as unrelated
LEVELS = np.array([0.50, 0.60, 0.70, 0.80, 0.90, 1.00], dtype=np.float32)
SAME_ROW = 0.90  # two different words that the package maps onto one vector: near-synonyms, not identical
DIRECTION = 0.70  # weight of coverage(challenge → startup) in the relevance
IDF_POWER = 1.0
EVIDENCE_SIMILARITY = (
    0.60  # two different words are shown as requirement ↔ capability from this similarity up
)
GENERIC_DF = 0.15  # a word in more than this share of the run's texts explains nothing (shown pairs only)
CENTRING_PRIOR = 20  # document vectors: texts' worth of zero added to each side's mean (see _set_documents)
CALIBRATION_SAMPLE = 400_000  # pairs drawn to fit a calibration (all of them in smaller runs)

_CONTENT = {
    "名詞": {"普通名詞", "固有名詞"},
    "動詞": {"一般"},
    "形容詞": {"一般"},
    "形状詞": {"一般"},
}
_NAMES = {"地名", "人名"}
# nouns that work as adverbs or counters (以降, 現在, 今後, 年, 件): time and quantity, not capability
_FUNCTIONAL = {"副詞可能", "助数詞可能"}
_COMPOUNDABLE = ("名詞", "形状詞")
_HIRAGANA = re.compile(r"^[\u3040-\u309f]+$")
_WORDISH = re.compile(r"[0-9a-z\u3040-\u30ff\u3400-\u9fff]")
_SENTENCE = re.compile(r"[^。．！？!?\n]+[。．！？!?]?")


# MeCab's own output options: only the three fields used — surface, lemma, part of speech (pos1-pos2-pos3-pos4,
# MeCab leaving out the "*" ones) — instead of UniDic-lite's eight-field "unidic" format (`-O ""` lets -F/-U apply).
# The same fields as that format's (its unknown-word line, too, gives the surface as the lemma).
_MECAB_OUTPUT = r'-O "" -F "%m\t%f[7]\t%F-[0,1,2,3]\n" -U "%m\t%m\t%F-[0,1,2,3]\n" -B "" -E "EOS\n"'


@lru_cache(maxsize=1)
def _tagger():
    import unidic_lite
    from fugashi import GenericTagger

    folder = unidic_lite.DICDIR
    return GenericTagger(f'-r "{folder}/mecabrc" -d "{folder}" {_MECAB_OUTPUT}')


@dataclass(frozen=True)
class Word:
    lemma: str  # the term's identity: normalised lemma (子供 for 子ども)
    surface: str  # as written
    forms: tuple[str, ...]  # forms to look up a vector for: base form, surface, lemma
    functional: bool = False  # a time or quantity noun: scored, never shown as a requirement or capability


@lru_cache(maxsize=200_000)
def _token_word(line: str) -> tuple[Word | None, bool]:
    """(the content word of one line of MeCab's output — or None for particles, auxiliaries, numbers, names and
    formal nouns —, whether it may be part of a compound). Cached: most tokens repeat across a run."""
    # the tagger's output (_MECAB_OUTPUT): surface, lemma, part of speech (pos1-pos2-pos3…)
    fields = line.split("\t")
    if len(fields) < 3:
        return None, False
    surface, lemma, pos = fields[0], fields[1], fields[2].split("-")
    pos1, pos2 = pos[0], pos[1] if len(pos) > 1 else ""
    compoundable = pos1 in _COMPOUNDABLE
    if pos2 not in _CONTENT.get(pos1, ()) or (len(pos) > 2 and pos[2] in _NAMES):
        return None, compoundable and pos2 in _CONTENT.get(pos1, ())
    # words written in hiragana alone are mostly formal nouns and light verbs (こと, ため, いう, ある, よい)
    if _HIRAGANA.match(surface) or surface.isdigit():
        return None, False
    lemma = nfkc(lemma.split("-", 1)[0] or surface).lower()
    if not _WORDISH.search(lemma) or (len(surface) < 2 and surface.isascii()):
        return None, False
    functional = len(pos) > 2 and pos[2] in _FUNCTIONAL
    return Word(lemma, surface, (surface, lemma), functional), compoundable


def content_words(text: str, vectors: WordVectors | None = None) -> list[Word]:
    """The content words of a text, in order (see the module docstring for which words count).

    Consecutive nouns that form a word the vectors know (スマート+フォン → スマートフォン, 位置+情報 → 位置情報) are
    kept as that one word, longest first, so a compound is not read as its fragments.
    """
    found: list[Word] = []
    for line in nfkc(text).splitlines():
        if line.strip():
            found.extend(_line_words(line, vectors))
    return found


@lru_cache(maxsize=100_000)
def _line_words(line: str, vectors: WordVectors | None) -> tuple[Word, ...]:
    """The content words of one line (see content_words). Cached: MeCab reads each distinct line once per process —
    the same sentence in many texts, or an edited profile's unchanged sentences, is not analysed again."""
    tokens = [_token_word(row) for row in _tagger().parse(line).split("\n")]
    found: list[Word] = []
    n = len(tokens)
    k = 0
    while k < n:
        word, compoundable = tokens[k]
        if word is None:
            k += 1
            continue
        if vectors is not None and compoundable and k + 1 < n:
            second, joins = tokens[k + 1]
            if joins and second is not None:
                # three consecutive nouns first, then two
                third, joins = tokens[k + 2] if k + 2 < n else (None, False)
                if joins and third is not None:
                    compound = word.surface + second.surface + third.surface
                    if vectors.row(compound) >= 0:
                        found.append(Word(compound.lower(), compound, (compound,)))
                        k += 3
                        continue
                compound = word.surface + second.surface
                if vectors.row(compound) >= 0:
                    word = Word(compound.lower(), compound, (compound,))
                    k += 1
        found.append(word)
        k += 1
    return tuple(found)


def sentences(text: str) -> list[str]:
    """A text cut into sentences (。！？ and line breaks)."""
    return [s.strip() for s in _SENTENCE.findall(nfkc(text)) if s.strip()]


@dataclass
class Evidence:
    """Why a startup's text fits a challenge's: aligned words and the best sentence pair."""

    pairs: list[tuple[str, str, float]]  # (requirement word, capability word, similarity), best first
    sentences: tuple[str, str, float] | None  # (challenge sentence, startup sentence, similarity)


class Vocabulary:
    """Terms (lemmas) of a run with their vector rows; grows when an edited profile brings a new word."""

    def __init__(self, vectors: WordVectors) -> None:
        self.vectors = vectors
        self.index: dict[str, int] = {}
        self.rows: list[int] = []
        self.surface: list[str] = []
        self.lemmas: list[str] = []
        self.functional: list[bool] = []

    def ids(self, words: Sequence[Word]) -> list[int]:
        out = []
        for word in words:
            term = self.index.get(word.lemma)
            if term is None:
                term = self.index[word.lemma] = len(self.rows)
                self.rows.append(self.vectors.row(*word.forms))
                self.surface.append(word.surface)
                self.lemmas.append(word.lemma)
                self.functional.append(word.functional)
            out.append(term)
        return out


def _presence(docs: Sequence[Sequence[int]], n_terms: int) -> sp.csr_matrix:
    """Documents × terms, 1 where the document contains the term (each row's terms sorted, once)."""
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    terms = np.fromiter(itertools.chain.from_iterable(docs), dtype=np.int64, count=int(lengths.sum()))
    owners = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    keys = np.unique(owners * max(1, n_terms) + terms)  # sorted: by document, then term; duplicates once
    indices = keys % max(1, n_terms)
    indptr = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // max(1, n_terms), minlength=len(docs)), out=indptr[1:])
    data = np.ones(indices.size, dtype=np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(docs), n_terms))


class SemanticText:
    """Text relevance of every (startup, challenge) pair of a run, by blocks, plus evidence for explanations.

    `raw(rows)` gives startups `rows` × all challenges; `calibrate()` fits one monotone map of the run's raw values
    to [0, 1] (the same for every challenge, since the assignment compares scores across challenges);
    `replace_startup(i, text)` re-analyses one edited profile.
    """

    def __init__(
        self, challenge_texts: Sequence[str], startup_texts: Sequence[str], vectors: WordVectors | None = None
    ) -> None:
        self.vectors = vectors or default_vectors()
        self.vocab = Vocabulary(self.vectors)
        self._rows_array = np.zeros(0, dtype=np.int64)
        self._sentence_cache: dict[tuple[str, int, str], tuple[list[str], np.ndarray]] = {}
        # explanations: each text's distinct terms and surfaces, and which terms are generic (for the df array)
        self._evidence_cache: dict[tuple[str, int], tuple] = {}
        self._generic: tuple = (None, None)
        # scratch for _kernel_block: challenge-term column → position in the pair's list, −1 elsewhere
        self._column_slot: np.ndarray | None = None
        self.challenge_texts = list(challenge_texts)
        self.startup_texts = list(startup_texts)
        c_analysed = [self._analyse(t) for t in self.challenge_texts]
        s_analysed = [self._analyse(t) for t in self.startup_texts]
        self.c_words, self.c_spans = [a[0] for a in c_analysed], [a[1] for a in c_analysed]
        self.s_words, self.s_spans = [a[0] for a in s_analysed], [a[1] for a in s_analysed]
        self.c_terms = [self.vocab.ids(w) for w in self.c_words]
        self.s_terms = [self.vocab.ids(w) for w in self.s_words]
        n_docs = len(self.c_terms) + len(self.s_terms)
        # document frequency: the distinct (document, term) pairs, counted per term
        df = _presence(self.c_terms + self.s_terms, len(self.vocab.rows)).indices
        df = np.bincount(df, minlength=len(self.vocab.rows)).astype(np.float64)
        self.n_docs = max(1, n_docs)
        self.df = df
        self.idf = self._idf(df)
        # challenge side: fixed for the run
        n_terms = len(self.vocab.rows)
        self.c_vocab = np.unique(np.concatenate([np.asarray(t, dtype=np.int64) for t in self.c_terms] + [[]]))
        self.c_vocab = self.c_vocab.astype(np.int64)
        self.Xc = _presence(self.c_terms, n_terms)[:, self.c_vocab]  # challenges × challenge terms
        self.Wc = self._weights(self.Xc, self.idf[self.c_vocab])  # rows sum to 1
        self.WcT = np.asarray(self.Wc.T.todense(), dtype=np.float32)  # challenge terms × challenges (dense)
        self._set_startups()
        self._stale = False
        self.lo, self.hi = 0.0, 1.0
        self._set_documents()

    # --- building blocks ---------------------------------------------------------------------------------------

    def _idf(self, df: np.ndarray) -> np.ndarray:
        return (np.log((1.0 + self.n_docs) / (1.0 + df)) + 1.0) ** IDF_POWER

    @staticmethod
    def _weights(presence: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
        weighted = sp.csr_matrix(presence.multiply(idf[np.newaxis, :].astype(np.float32)), dtype=np.float32)
        sums = np.asarray(weighted.sum(axis=1)).ravel()
        sums[sums == 0] = 1.0
        return sp.csr_matrix(sp.diags((1.0 / sums).astype(np.float32)) @ weighted)

    def _term_rows(self) -> np.ndarray:
        if self._rows_array.size != len(self.vocab.rows):
            self._rows_array = np.asarray(self.vocab.rows, dtype=np.int64)
        return self._rows_array

    def kernel(self, terms_a: np.ndarray, terms_b: np.ndarray) -> sp.csr_matrix:
        """Similarity of terms_a × terms_b rounded down to LEVELS (0 below THRESHOLD), as a sparse matrix.

        Identical lemmas are 1.0 (with or without a vector); two words the package maps onto one vector are
        SAME_ROW; other pairs the cosine of their vectors when it reaches THRESHOLD.
        """
        terms_a, terms_b = np.asarray(terms_a, dtype=np.int64), np.asarray(terms_b, dtype=np.int64)
        rows = self._term_rows()
        ra, rb = rows[terms_a], rows[terms_b]
        has_a, has_b = np.nonzero(ra >= 0)[0], np.nonzero(rb >= 0)[0]
        pieces_r, pieces_c, pieces_v = [], [], []
        if has_a.size and has_b.size:
            ub = self.vectors.unit[rb[has_b]]
            step = max(1, 2_000_000 // max(1, has_b.size))
            for start in range(0, has_a.size, step):
                part = has_a[start : start + step]
                sims = self.vectors.unit[ra[part]] @ ub.T
                r, c = np.nonzero(sims >= THRESHOLD)
                values = np.minimum(sims[r, c], SAME_ROW)  # equal vectors of different words: SAME_ROW
                pieces_r.append(part[r])
                pieces_c.append(has_b[c])
                pieces_v.append(values.astype(np.float32))
        # identical lemmas: 1.0, and they replace the vector entry of the same pair
        _, same_a, same_b = np.intersect1d(terms_a, terms_b, assume_unique=True, return_indices=True)
        if not pieces_r and not same_a.size:
            return sp.csr_matrix((terms_a.size, terms_b.size), dtype=np.float32)
        matrix = sp.coo_matrix(
            (
                np.concatenate(pieces_v + [np.zeros(0, np.float32)]),
                (
                    np.concatenate(pieces_r + [np.zeros(0, np.int64)]),
                    np.concatenate(pieces_c + [np.zeros(0, np.int64)]),
                ),
            ),
            shape=(terms_a.size, terms_b.size),
        ).tocsr()
        matrix = sp.csr_matrix(
            matrix.maximum(
                sp.csr_matrix((np.ones(same_a.size, np.float32), (same_a, same_b)), shape=matrix.shape)
            )
        )
        matrix.data = LEVELS[np.searchsorted(LEVELS, matrix.data + 1e-6, side="right") - 1]
        matrix.eliminate_zeros()
        return matrix

    @staticmethod
    def best_match(presence: sp.csr_matrix, kernel: sp.csr_matrix) -> sp.csr_matrix:
        """For each document (row of `presence` over the kernel's rows) and each column term: the best similarity
        of any of the document's terms to it — exact on the rounded kernel, one sparse product per level."""
        best = None
        previous = 0.0
        for level in LEVELS:
            step = sp.csr_matrix(kernel >= level, dtype=np.float32)
            hit = presence @ step
            hit.data[:] = level - previous
            best = hit if best is None else best + hit
            previous = level
        return best

    def _set_startups(self) -> None:
        n_terms = len(self.vocab.rows)
        self.s_vocab = np.unique(np.concatenate([np.asarray(t, dtype=np.int64) for t in self.s_terms] + [[]]))
        self.s_vocab = self.s_vocab.astype(np.int64)
        s_position = np.full(n_terms, -1, dtype=np.int64)
        s_position[self.s_vocab] = np.arange(self.s_vocab.size)
        self.s_position = s_position
        self.Xs = _presence(self.s_terms, n_terms)[:, self.s_vocab]  # startups × startup terms
        self.Ws = self._weights(self.Xs, self.idf[self.s_vocab])
        self.K = self.kernel(self.s_vocab, self.c_vocab)  # startup terms × challenge terms
        # challenge → startup-term best matches, for coverage(s → c): challenges × startup terms
        self.Bc = self.best_match(self.Xc, sp.csr_matrix(self.K.T))
        self._stale = False

    # --- document vectors --------------------------------------------------------------------------------------

    def _term_vectors(self, terms: np.ndarray) -> np.ndarray:
        """Unit vectors of terms (len × dimensions, float32): the word's vector, or for a word without one a fixed
        pseudo-random direction seeded by the lemma (nearly orthogonal to every other word's)."""
        rows = self._term_rows()[terms]
        out = np.zeros((terms.size, self.vectors.unit.shape[1]), dtype=np.float32)
        known = rows >= 0
        out[known] = self.vectors.unit[rows[known]]
        for k in np.nonzero(~known)[0]:
            seed = zlib.crc32(self.vocab.lemmas[int(terms[k])].encode("utf-8"))
            direction = np.random.default_rng(seed).standard_normal(out.shape[1]).astype(np.float32)
            out[k] = direction / np.linalg.norm(direction)
        return out

    @staticmethod
    def _unit_rows(matrix: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (matrix / norms).astype(np.float32)

    def _set_documents(self) -> None:
        """Document vectors of every challenge and startup, centred on their side's mean (fixed for the run)."""
        dc = self._unit_rows(np.asarray(self.Wc @ self._term_vectors(self.c_vocab)))
        ds = self._unit_rows(np.asarray(self.Ws @ self._term_vectors(self.s_vocab)))
        # the side's mean, shrunk towards 0 in small runs (with a handful of texts the mean is mostly the texts
        # themselves, and one challenge minus its own mean would be nothing)
        self.doc_mean_c = dc.sum(axis=0) / np.float32(len(dc) + CENTRING_PRIOR)
        self.doc_mean_s = ds.sum(axis=0) / np.float32(len(ds) + CENTRING_PRIOR)
        self.Dc = self._unit_rows(dc - self.doc_mean_c) * (np.linalg.norm(dc, axis=1, keepdims=True) > 0)
        self.Ds = self._unit_rows(ds - self.doc_mean_s) * (np.linalg.norm(ds, axis=1, keepdims=True) > 0)
        self.doc_lo, self.doc_hi = 0.0, 1.0
        self._calibrate_documents()

    def _document_row(self, terms: Sequence[int]) -> np.ndarray:
        """One startup's centred document vector from its terms (the run's IDF and mean)."""
        unique = np.array(sorted(set(terms)), dtype=np.int64)
        if unique.size == 0:
            return np.zeros(self.Dc.shape[1], dtype=np.float32)
        weights = self.idf[unique].astype(np.float32)
        vector = self._unit_rows((weights @ self._term_vectors(unique))[np.newaxis, :])
        return self._unit_rows(vector - self.doc_mean_s)[0]

    def _calibrate_documents(self) -> None:
        """The run's one monotone map of document cosines to [0, 1], fitted like `calibrate` on a sample of pairs
        (startups drawn without replacement, against every challenge)."""
        n_s, n_c = self.Ds.shape[0], self.Dc.shape[0]
        if not n_s or not n_c:
            return
        rows = max(1, min(n_s, CALIBRATION_SAMPLE // n_c))
        sample = np.sort(np.random.default_rng(0).choice(n_s, rows, replace=False))
        lo, hi = np.quantile(self.Ds[sample] @ self.Dc.T, [0.5, 0.995])
        self.doc_lo, self.doc_hi = float(lo), float(max(hi, lo + 1e-6))

    def documents(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated document-vector cosine of startups `rows` × every challenge, in [0, 1] (float32)."""
        out = self.Ds[np.asarray(rows, dtype=np.int64)] @ self.Dc.T
        out -= np.float32(self.doc_lo)
        out /= np.float32(self.doc_hi - self.doc_lo)
        return np.clip(out, 0.0, 1.0, out=out)

    # --- scoring ---------------------------------------------------------------------------------------------------

    def raw(self, rows: np.ndarray) -> np.ndarray:
        """Uncalibrated relevance for startups `rows` × every challenge (float32)."""
        rows = np.asarray(rows, dtype=np.int64)
        if self._stale:
            self._set_startups()
        best = self.best_match(self.Xs[rows], self.K)  # startups × challenge terms
        forward = np.asarray(best @ self.WcT, dtype=np.float32)  # coverage(c → s)
        backward = (self.Ws[rows] @ self.Bc.T).toarray().astype(np.float32)  # coverage(s → c)
        return DIRECTION * forward + (1.0 - DIRECTION) * backward

    def calibrate(self, raw: np.ndarray) -> None:
        """Fit the run's one monotone map to [0, 1]: the median pair → 0, the 99.5th percentile → 1."""
        sample = raw.ravel()
        if sample.size > 400_000:
            sample = np.random.default_rng(0).choice(sample, 400_000, replace=False)
        if sample.size == 0:
            return
        lo, hi = np.quantile(sample, [0.5, 0.995])
        self.lo, self.hi = float(lo), float(max(hi, lo + 1e-6))

    def calibrated(self, raw: np.ndarray) -> np.ndarray:
        out = (np.asarray(raw, dtype=np.float32) - np.float32(self.lo)) / np.float32(self.hi - self.lo)
        return np.clip(out, 0.0, 1.0, out=out)

    def replace_startup(self, i: int, text: str) -> np.ndarray:
        """Re-analyse startup `i` (an edited profile) and return its raw row over all challenges.

        Only that row is computed (its own small kernel against the challenges' words); the run's IDF stays, a word
        new to the run counts as rare. Its document vector is recomputed with the run's IDF and mean (`documents`
        then gives its new row). The block matrices are rebuilt lazily if `raw` is called again.
        """
        self.startup_texts[i] = text
        self.s_words[i], self.s_spans[i] = self._analyse(text)
        self.s_terms[i] = self.vocab.ids(self.s_words[i])
        grown = len(self.vocab.rows) - self.idf.size
        if grown:
            self.idf = np.concatenate([self.idf, np.full(grown, self._idf(np.zeros(1))[0])])
            self.df = np.concatenate([self.df, np.ones(grown)])
        self._stale = True
        self.Ds[i] = self._document_row(self.s_terms[i])
        return self.raw_one(i)

    def raw_one(self, i: int) -> np.ndarray:
        """Uncalibrated relevance of startup `i` to every challenge, from its own words (same maths as `raw`)."""
        terms = np.array(sorted(set(self.s_terms[i])), dtype=np.int64)
        if terms.size == 0 or self.c_vocab.size == 0:
            return np.zeros(len(self.c_terms), dtype=np.float32)
        # own terms × challenge terms: the run's kernel rows for words it knows, new words computed here
        position = np.full(terms.size, -1, dtype=np.int64)
        inside = terms < self.s_position.size
        position[inside] = self.s_position[terms[inside]]
        known = position >= 0
        kernel = sp.vstack([self.K[position[known]], self.kernel(terms[~known], self.c_vocab)]).tocsr()
        terms = np.concatenate([terms[known], terms[~known]])
        presence = sp.csr_matrix(np.ones((1, terms.size), dtype=np.float32))
        forward = np.asarray(self.best_match(presence, kernel) @ self.WcT, dtype=np.float32).ravel()
        weights = self.idf[terms].astype(np.float32)
        weights /= weights.sum()
        backward = np.asarray(self.best_match(self.Xc, sp.csr_matrix(kernel.T)) @ weights, dtype=np.float32)
        return DIRECTION * forward + (1.0 - DIRECTION) * backward.ravel()

    # --- evidence --------------------------------------------------------------------------------------------------

    def evidence(self, j: int, i: int, limit: int = 5) -> Evidence:
        """The challenge's requirement words aligned with startup `i`'s capability words (rarest first, generic
        words and names left out) and the best-matching sentence pair."""
        c_terms, c_surface = self._evidence_terms("c", j)
        s_terms, s_surface = self._evidence_terms("s", i)
        pairs: list[tuple[str, str, float]] = []
        if c_terms.size and s_terms.size:
            sims = self._pair_kernel(c_terms, s_terms)
            # generic: in a large share of the run's texts (and in more than a handful, so tiny runs keep theirs)
            if self._generic[0] is not self.df:
                self._generic = (self.df, (self.df / self.n_docs > GENERIC_DF) & (self.df > 3))
            generic = self._generic[1]
            best = sims.argmax(axis=1)
            value = sims[np.arange(c_terms.size), best]
            order = np.argsort(-(value * self.idf[c_terms]), kind="stable")
            used: set[int] = set()
            for k in order:
                if value[k] <= 0 or len(pairs) >= limit:
                    break
                term, match = int(c_terms[k]), int(s_terms[best[k]])
                # a loose association (the kernel's lowest level) is scored but not offered as a reason
                shown = not (generic[term] or self.vocab.functional[term] or self.vocab.functional[match])
                if not shown or match in used or (term != match and value[k] < EVIDENCE_SIMILARITY):
                    continue
                used.add(match)
                pairs.append((c_surface[term], s_surface[match], float(min(1.0, value[k]))))
        return Evidence(pairs, self._best_sentences(j, i))

    def _evidence_terms(self, kind: str, index: int) -> tuple[np.ndarray, dict[int, str]]:
        """A text's distinct terms (sorted) and each term's surface as written, kept while its words are the
        same list (an edited profile gets new lists)."""
        words = (self.c_words if kind == "c" else self.s_words)[index]
        found = self._evidence_cache.get((kind, index))
        if found is None or found[0] is not words:
            terms = (self.c_terms if kind == "c" else self.s_terms)[index]
            surface = {t: w.surface for t, w in zip(terms, words, strict=True)}
            found = (words, np.array(sorted(set(terms)), dtype=np.int64), surface)
            self._evidence_cache[kind, index] = found
        return found[1], found[2]

    def _pair_kernel(self, c_terms: np.ndarray, s_terms: np.ndarray) -> np.ndarray:
        """Challenge terms × startup terms similarities (dense): read from the run's kernel when it holds them all
        (the usual case), else computed (an edited profile brought new words)."""
        if not self._stale:
            s_inside = s_terms < self.s_position.size
            c_position = np.searchsorted(self.c_vocab, c_terms)
            c_known = (c_position < self.c_vocab.size) & (
                self.c_vocab[np.minimum(c_position, self.c_vocab.size - 1)] == c_terms
            )
            if s_inside.all() and c_known.all():
                s_position = self.s_position[s_terms]
                if (s_position >= 0).all():
                    return self._kernel_block(s_position, c_position)
        return self.kernel(c_terms, s_terms).toarray()

    def _kernel_block(self, s_position: np.ndarray, c_position: np.ndarray) -> np.ndarray:
        """K[s_position][:, c_position].T as a dense array, gathered from the CSR arrays directly (the same values;
        scipy's fancy indexing costs ~0.3 ms a call, and explanations ask thousands of times)."""
        indptr, indices, data = self.K.indptr, self.K.indices, self.K.data
        starts, ends = indptr[s_position], indptr[s_position + 1]
        lengths = ends - starts
        dense = np.zeros((c_position.size, s_position.size), dtype=self.K.dtype)
        total = int(lengths.sum())
        if total == 0:
            return dense
        owner = np.repeat(np.arange(s_position.size), lengths)
        flat = (
            np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths) + np.repeat(starts, lengths)
        )
        if self._column_slot is None or self._column_slot.size != self.c_vocab.size:
            self._column_slot = np.full(self.c_vocab.size, -1, dtype=np.int64)
        slot = self._column_slot
        slot[c_position] = np.arange(c_position.size)
        where = slot[indices[flat]]
        keep = where >= 0
        dense[where[keep], owner[keep]] = data[flat[keep]]
        slot[c_position] = -1
        return dense

    def _analyse(self, text: str) -> tuple[list[Word], list[tuple[str, int, int]]]:
        """A text's content words, read sentence by sentence, and each sentence's span of them (for explanations,
        so that a sentence is never analysed twice)."""
        words: list[Word] = []
        spans = []
        for sentence in sentences(text):
            start = len(words)
            words.extend(content_words(sentence, self.vectors))
            spans.append((sentence, start, len(words)))
        return words, spans

    def _sentence_vectors(self, kind: str, index: int, text: str) -> tuple[list[str], np.ndarray]:
        """A text's sentences that have a vector and their vectors stacked (sentences × dimensions), computed once
        per text of the run (explanations ask often).

        Each row is `_terms_vector` of the sentence's terms, to the bit: the weighted word vectors of all sentences
        are laid out as sentences × words × dimensions (zeros after a sentence's last word, which change no sum)
        and reduced along the words, one after the other, in one call."""
        key = (kind, index, text)
        found = self._sentence_cache.get(key)
        if found is not None:
            return found
        terms = (self.c_terms if kind == "c" else self.s_terms)[index]
        spans = (self.c_spans if kind == "c" else self.s_spans)[index]
        dimensions = self.vectors.unit.shape[1]
        kept: list[str] = []
        rows: list[int] = []
        weights: list[float] = []
        slots: list[int] = []
        places: list[int] = []
        for sentence, start, end in spans:
            count = 0
            for term in set(terms[start:end]):
                row = self.vocab.rows[term]
                if row >= 0:
                    rows.append(row)
                    weights.append(self.idf[term] if term < self.idf.size else self.idf.max(initial=1.0))
                    slots.append(len(kept))
                    places.append(count)
                    count += 1
            if count:
                kept.append(sentence)
        matrix = np.zeros((len(kept), dimensions), dtype=np.float32)
        if kept:
            laid = np.zeros((len(kept), max(places) + 1, dimensions), dtype=np.float32)
            laid[slots, places] = (
                np.asarray(weights, dtype=np.float32)[:, np.newaxis] * self.vectors.unit[rows]
            )
            totals = np.add.reduce(laid, axis=1)
            norms = np.array([float(np.linalg.norm(total)) for total in totals], dtype=np.float32)
            nonzero = norms > 0
            matrix = totals[nonzero] / norms[nonzero, np.newaxis]
            kept = [sentence for sentence, keep in zip(kept, nonzero.tolist(), strict=True) if keep]
        self._sentence_cache[key] = (kept, matrix)
        return kept, matrix

    def _terms_vector(self, terms) -> np.ndarray | None:
        """IDF-weighted mean of the words' unit vectors (a sentence's direction), or None without any vector.

        The weighted vectors are added in the order of `set(terms)`, one after the other (a reduction along the
        first axis adds row after row), so the result is the same to the bit as adding them in a loop."""
        rows, weights = [], []
        for term in set(terms):
            row = self.vocab.rows[term]
            if row >= 0:
                rows.append(row)
                weights.append(self.idf[term] if term < self.idf.size else self.idf.max(initial=1.0))
        if not rows:
            return None
        total = np.add.reduce(
            np.asarray(weights, dtype=np.float32)[:, np.newaxis] * self.vectors.unit[rows], axis=0
        )
        norm = float(np.linalg.norm(total))
        return total / norm if norm else None

    def _best_sentences(self, j: int, i: int) -> tuple[str, str, float] | None:
        """The closest (challenge sentence, startup sentence, cosine): the first pair, challenge sentence by
        challenge sentence, with the highest cosine `float(cv @ sv)`. One matrix product finds the few pairs within
        a rounding margin of the best; those are compared with that very dot product, so ties and the value are the
        same as comparing every pair one by one."""
        c_sentences, c_matrix = self._sentence_vectors("c", j, self.challenge_texts[j])
        s_sentences, s_matrix = self._sentence_vectors("s", i, self.startup_texts[i])
        if not c_sentences or not s_sentences:
            return None
        sims = c_matrix @ s_matrix.T
        best = None
        for a, b in zip(*np.nonzero(sims >= sims.max() - 1e-4), strict=True):
            similarity = float(c_matrix[a] @ s_matrix[b])
            if best is None or similarity > best[2]:
                best = (c_sentences[a], s_sentences[b], similarity)
        return best
