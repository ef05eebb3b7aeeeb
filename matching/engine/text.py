"""Character-level TF-IDF (the previous engine's text factor, kept as an evaluation baseline) and the shared words
shown in explanations when no semantic evidence is given. The text factor itself is `semantic.py`.

The character analyzer needs no dictionary and no word breaks: NFKC, lower case, CJK (kanji and katakana)
characters as unigrams and bigrams, Latin letters/digits as words. Hiragana runs are mostly particles and
inflections, so they separate runs instead of producing grams. This finds 「除雪」 in 「除雪車の位置情報」.

Character bigrams are not words, so explanations use a morphological analyzer (MeCab through `fugashi`, with the
UniDic-lite dictionary that ships inside its PyPI package) to list the real words two texts share.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

_RUN = re.compile(
    r"[a-z0-9]+(?:[.+#][a-z0-9]+)*|[\u3005\u3006\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)


def normalise_text(text: str) -> str:
    """NFKC and lower case: full-width 'ＡＩ' and half-width 'ｶﾀｶﾅ' compare equal to 'ai' and 'カタカナ'."""
    return unicodedata.normalize("NFKC", text or "").lower()


def analyse(text: str) -> list[str]:
    """Index terms of a text: Latin words, and CJK unigrams plus bigrams within each kanji/katakana run."""
    terms: list[str] = []
    for run in _RUN.findall(normalise_text(text)):
        if run[0].isascii():
            if len(run) > 1:
                terms.append(run)
            continue
        terms.extend(run)
        terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


class TfidfIndex:
    """A vocabulary and IDF fitted on a corpus; turns texts into L2-normalised sparse TF-IDF rows (CSR, float32).

    TF is sublinear (1 + log tf) so a word repeated ten times does not dominate; IDF is the smoothed
    log((1 + N) / (1 + df)) + 1. The vocabulary is frozen after `fit`: terms unseen there are ignored by `transform`,
    which keeps re-scoring one edited profile consistent with the rest of the run.
    """

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float32)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Fit the vocabulary and IDF on `texts` and return their TF-IDF rows."""
        vocabulary = self.vocabulary = {}
        counts = self._counts(texts, vocabulary, grow=True)
        n_docs = counts.shape[0]
        df = np.bincount(counts.indices, minlength=len(vocabulary)).astype(np.float64)
        self.idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        return self._weigh(counts)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF rows for `texts` with the fitted vocabulary."""
        return self._weigh(self._counts(texts, self.vocabulary, grow=False))

    def _counts(self, texts: Sequence[str], vocabulary: dict[str, int], *, grow: bool) -> sp.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        for text in texts:
            terms = analyse(text)
            if grow:
                ids = [vocabulary.setdefault(term, len(vocabulary)) for term in terms]
            else:
                ids = [i for i in map(vocabulary.get, terms) if i is not None]
            indices.extend(ids)
            indptr.append(len(indices))
        shape = (len(texts), len(vocabulary))
        data = np.ones(len(indices), dtype=np.float32)
        matrix = sp.csr_matrix(
            (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)), shape=shape
        )
        matrix.sum_duplicates()
        return matrix

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts = counts.astype(np.float32)
        counts.data = 1.0 + np.log(counts.data)
        counts = counts.multiply(self.idf[np.newaxis, :]).tocsr() if counts.nnz else counts
        return l2_normalise(counts)


def l2_normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty)."""
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ matrix)


def rowwise_dot(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """Dot product of row i of `a` with row i of `b`, for every i (vectorised)."""
    if a.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float32).ravel()


# --- shared words for explanations ---------------------------------------------------------------------------------

# Nouns that appear in nearly every proposal and explain nothing.
_STOP_WORDS = frozenset(
    """こと もの ため よう とき ところ これ それ 場合 課題 解決 実現 提供 対応 可能 必要 活用 取組 取り組み 検討 目的 現在
    今後 弊社 当社 私 私たち 我々 サービス システム 事業 企業 会社 方法 利用 地域 自治体 実施 推進 向上 以上 以下 ほか
    等 方 市 町 村 県 区 国 件 人 者 日 年 月 時 所 中 上 下 内 外 後 前 間 化 的 性 用 など""".split()
)
_NOUN_POS2 = {"普通名詞", "固有名詞"}
_HAS_WORD_CHAR = re.compile(r"[a-z0-9\u3040-\u30ff\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _tagger():
    import unidic_lite
    from fugashi import Tagger

    return Tagger(f'-d "{unidic_lite.DICDIR}"')


def _keep(word: str) -> bool:
    if word in _STOP_WORDS or not _HAS_WORD_CHAR.search(word):
        return False
    # One character is too often a fragment of a longer word (見 from 見守り, 市, 車) to explain anything.
    return len(word) > 1 and not word.isdigit()


def words(text: str) -> dict[str, str]:
    """The content words of a text: nouns, noun compounds (除雪+車 → 除雪車) and verb stems used as nouns (見守り).

    Returns {normalised word: the word as first written}. Uses MeCab + UniDic-lite via fugashi.
    """
    found: dict[str, str] = {}
    # MeCab skips line breaks, so a title's last noun would run into the description's first: one line at a time.
    for line in unicodedata.normalize("NFKC", text or "").splitlines():
        _line_words(line, found)
    return found


def _line_words(line: str, found: dict[str, str]) -> None:
    tokens = list(_tagger()(line))
    compound: list[str] = []

    def flush() -> None:
        # every run of 2+ consecutive parts, so 「見守りビーコンタグ」 still shares 「ビーコンタグ」 with another text
        parts = [p for p in compound if p][:6]
        for length in range(2, len(parts) + 1):
            for start in range(len(parts) - length + 1):
                word = "".join(parts[start : start + length])
                if _keep(word.lower()):
                    found.setdefault(word.lower(), word)
        compound.clear()

    # The raw feature string (pos1, pos2, pos3, pos4, cType, cForm, …) is several times cheaper than `feature`/`pos`.
    pos = [token.feature_raw.split(",", 6) for token in tokens]
    for index, token in enumerate(tokens):
        surface = token.surface
        pos1, pos2 = pos[index][0], pos[index][1]
        noun = pos1 == "名詞" and pos2 in _NOUN_POS2
        # 「見守り」「子育て」 are often tagged as verbs in the continuative form; when a noun or a case particle
        # follows (見守りを, 見守りタグ) they are used as nouns. 「目指して」 (te-form) is not.
        nominal_verb = False
        if pos1 == "動詞" and pos2 == "一般" and len(surface) >= 2 and index + 1 < len(tokens):
            after = pos[index + 1]
            nominal_verb = (
                (after[0] == "名詞" or (after[0] == "助詞" and after[1] in {"格助詞", "係助詞", "副助詞"}))
                and len(pos[index]) > 5
                and pos[index][5].startswith("連用形")
            )
        affix = (pos1 == "接尾辞" and pos2 == "名詞的") or pos1 == "接頭辞"
        if noun or nominal_verb:
            if _keep(surface.lower()):
                found.setdefault(surface.lower(), surface)
            compound.append(surface)
        elif affix and (compound or pos1 == "接頭辞"):
            compound.append(surface)
        else:
            flush()
    flush()


def _script(char: str) -> str:
    if char.isascii() and char.isalnum():
        return "latin"
    if "\u30a0" <= char <= "\u30ff":
        return "katakana"
    return "other"


def occurs(word: str, text: str) -> bool:
    """Whether `word` (normalised) occurs in `text` (normalised) as a word: a Latin or katakana word must not run
    on into more letters or katakana (タグ is not in タグボート, ai not in mail); kanji compounds need no boundary."""
    first, last = _script(word[0]), _script(word[-1])
    if (
        first == "other" and last == "other"
    ):  # a kanji (or kana) word needs no boundary: found anywhere will do
        return word in text
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        before = _script(text[start - 1]) if start > 0 else ""
        after = _script(text[end]) if end < len(text) else ""
        if (first == "other" or before != first) and (last == "other" or after != last):
            return True
        start = text.find(word, start + 1)
    return False


class KeywordFinder:
    """Shared words: the words of the first text (by MeCab, cached) that occur as words in the others.

    Only the challenge side is analysed morphologically; the startup side is searched for those words. This keeps
    explanations cheap on large runs (thousands of startup profiles) while every keyword is a real word of the
    challenge that the startup's text contains. Ranked rarest first among the analysed texts, at most `limit`.
    """

    def __init__(self, limit: int = 8) -> None:
        self.limit = limit
        self._cache: dict[str, dict[str, str]] = {}
        self._df: dict[str, int] = {}
        self._normal: dict[
            str, str
        ] = {}  # text → normalise_text(text): a startup's text is searched many times

    def prepare(self, texts: Iterable[str]) -> None:
        """Analyse texts once up front so document frequencies cover the whole run."""
        for text in texts:
            self._words(text)

    def _normalised(self, text: str) -> str:
        found = self._normal.get(text)
        if found is None:
            found = self._normal[text] = normalise_text(text)
        return found

    def _words(self, text: str) -> dict[str, str]:
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = words(text)
            for word in found:
                self._df[word] = self._df.get(word, 0) + 1
        return found

    def shared(self, first: str, *others: str) -> list[str]:
        """Words of `first` that occur in any of `others`; a word inside a longer shared word is dropped."""
        mine = self._words(first)
        targets = [self._normalised(other) for other in others if other]
        common = []
        for word in mine:
            for target in targets:
                # `in` first: a C-speed substring test that most words fail; `occurs` then checks the boundaries
                if word in target and occurs(word, target):
                    common.append(word)
                    break
        maximal = []
        for word in common:
            for longer in common:
                if word in longer and word != longer:
                    break
            else:
                maximal.append(word)
        maximal.sort(key=lambda w: (self._df.get(w, 1), -len(w), w))
        return [mine[w] for w in maximal[: self.limit]]
