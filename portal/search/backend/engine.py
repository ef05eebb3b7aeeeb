"""Ranked retrieval over a Whoosh index with numpy: whole posting lists at once instead of a matcher per document.

Whoosh's matchers spend several microseconds of Python per document and query node; a query term that occurs in
2,000 documents, searched in a title and a body field, with a phrase check, costs tens of milliseconds. Here a
term's postings are read block by block into arrays, And/Or are set operations, BM25F is computed for all
matches in one expression, and only the page shown is turned into primary keys.

Semantics are those of the Whoosh query the compiler builds (:mod:`.query`):

- ``Term`` / ``Phrase`` / ``Prefix`` on a text field: scored with Whoosh's BM25F (same idf, B, K1 and length
  bytes). A phrase must have its terms at consecutive positions — checked exactly on the positions stored in
  the postings (:class:`~portal.search.whoosh_analysis.JapanesePositions`), never approximated.
- ``And`` / ``Or`` / ``AndNot`` / ``Not`` / ``Every`` / ``ConstantScoreQuery`` / ``NullQuery``.
- Anything else (filters on typed fields, ranges): Whoosh's own matching, unscored, cached for the generation.

A query the engine does not understand raises :class:`Unsupported`; the caller then uses Whoosh's searcher.
"""

from struct import Struct

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

from ..whoosh_analysis import JapanesePositions
from .lengths import BYTE_TO_LENGTH, length_bytes

K1 = 1.2
B = 0.75
_LENGTH_TABLE = np.array(BYTE_TO_LENGTH, dtype=np.float64)
_POS = Struct("=I")
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
MAX_PREFIX_TERMS = 1024
MAX_FILTER_CACHE = 64


class Unsupported(Exception):
    pass


def _mask(value: bytes) -> int:
    """The positions of one posting as a bit mask (bit p set for position p)."""
    if len(value) == 8:
        return 1 << _POS.unpack_from(value, 4)[0]
    mask = 0
    for p in memoryview(value)[4:].cast("I"):
        mask |= 1 << p
    return mask


class Engine:
    """Evaluates Whoosh queries against one searcher (one index generation); cached on the searcher."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.schema = searcher.schema
        self.leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self.doccount = searcher.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._filters: dict = {}
        self._alive = None

    @classmethod
    def of(cls, searcher) -> "Engine":
        engine = getattr(searcher, "_xact_engine", None)
        if engine is None:
            engine = cls(searcher)
            searcher._xact_engine = engine
        return engine

    # --- per-generation data ----------------------------------------------------------------------------

    def alive(self) -> np.ndarray:
        if self._alive is None:
            alive = np.ones(self.doccount, dtype=bool)
            for reader, offset in self.leaves:
                if reader.has_deletions():
                    deleted = np.fromiter(reader._perdoc.deleted_docs(), dtype=np.int64)
                    alive[deleted + offset] = False
            self._alive = alive
        return self._alive

    def lengths(self, field: str) -> np.ndarray:
        out = self._lengths.get(field)
        if out is None:
            parts = [
                np.frombuffer(length_bytes(reader._perdoc, field, reader.doc_count_all()), dtype=np.uint8)
                for reader, _ in self.leaves
            ]
            out = _LENGTH_TABLE[np.concatenate(parts)] if parts else np.zeros(0)
            self._lengths[field] = out
        return out

    def is_text(self, field) -> bool:
        return field in self.schema and isinstance(self.schema[field].format, JapanesePositions)

    # --- postings -----------------------------------------------------------------------------------------

    def postings(self, field: str, text: str, values: bool = False):
        """(docnums, term frequencies, values or None) of one term over all segments, deleted documents out."""
        ids_parts, tf_parts, value_parts = [], [], []
        for reader, offset in self.leaves:
            if (field, text) not in reader:
                continue
            m = reader.postings(field, text)
            if isinstance(m, FilterMatcher):
                m = m.child
            ids, tfs, vals = self._read(m, values)
            ids_parts.append(ids + offset)
            tf_parts.append(tfs)
            if values:
                value_parts.extend(vals)
        if not ids_parts:
            return _EMPTY[0], _EMPTY[1], []
        ids = np.concatenate(ids_parts)
        tfs = np.concatenate(tf_parts)
        alive = self.alive()
        keep = alive[ids]
        if not keep.all():
            ids, tfs = ids[keep], tfs[keep]
            if values:
                value_parts = [v for v, k in zip(value_parts, keep, strict=True) if k]
        return ids, tfs, value_parts if values else None

    @staticmethod
    def _read(m, values: bool):
        ids, tfs, vals = [], [], []
        if isinstance(m, W3LeafMatcher):
            while m.is_active():
                if m._data is None:
                    m._read_data()
                raw_ids, raw_w = m._data[0], m._data[1]
                n = m._blocklength
                ids.append(np.cumsum(np.asarray(raw_ids, dtype=np.int64)))
                if raw_w is None:
                    tfs.append(np.ones(n))
                elif isinstance(raw_w, float):
                    tfs.append(np.full(n, raw_w))
                else:
                    tfs.append(np.asarray(raw_w, dtype=np.float64))
                if values:
                    m._read_values()
                    vals.extend(m._values)
                m._next_block()
            if not ids:
                return _EMPTY[0], _EMPTY[1], vals
            return np.concatenate(ids), np.concatenate(tfs), vals
        # Inlined postings (a term in one document) and anything else: the generic matcher API.
        id_list, tf_list = [], []
        while m.is_active():
            id_list.append(m.id())
            tf_list.append(m.weight())
            if values:
                vals.append(m.value())
            m.next()
        return np.array(id_list, dtype=np.int64), np.array(tf_list, dtype=np.float64), vals

    def bm25(self, field: str, text: str, ids: np.ndarray, tfs: np.ndarray) -> np.ndarray:
        if not len(ids):
            return np.zeros(0)
        searcher = self.searcher
        idf = searcher.idf(field, text)
        avgfl = searcher.avg_field_length(field) or 1
        fl = self.lengths(field)[ids]
        return idf * ((tfs * (K1 + 1)) / (tfs + K1 * ((1 - B) + B * fl / avgfl)))

    # --- evaluation ---------------------------------------------------------------------------------------

    def run(self, q):
        """(sorted unique docnums, scores) of the documents matching ``q``."""
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return _EMPTY
        if isinstance(q, wq.Term) and self.is_text(q.fieldname):
            ids, tfs, _ = self.postings(q.fieldname, q.text)
            return ids, self.bm25(q.fieldname, q.text, ids, tfs) * q.boost
        if isinstance(q, wq.Phrase) and self.is_text(q.fieldname):
            return self._phrase(q)
        if isinstance(q, wq.Prefix) and self.is_text(q.fieldname):
            return self._prefix(q)
        if isinstance(q, wq.Or) and type(q) is wq.Or and not q.minmatch and q.scale is None:
            return self._union([self.run(sub) for sub in q.subqueries], q.boost)
        if isinstance(q, wq.And) and type(q) is wq.And:
            return self._intersection([self.run(sub) for sub in q.subqueries], q.boost)
        if isinstance(q, wq.AndNot):
            ids, scores = self.run(q.a)
            neg, _ = self.run(q.b)
            keep = ~np.isin(ids, neg, assume_unique=True)
            return ids[keep], scores[keep]
        if isinstance(q, wq.Not):
            neg, _ = self.run(q.query)
            ids = np.flatnonzero(self.alive())
            ids = ids[~np.isin(ids, neg, assume_unique=True)]
            return ids, np.zeros(len(ids))
        if isinstance(q, wq.Every):
            ids = np.flatnonzero(self.alive())
            return ids, np.full(len(ids), float(q.boost))
        if isinstance(q, wq.ConstantScoreQuery):
            ids = self._filter(q.child)
            return ids, np.full(len(ids), float(q.score))
        if isinstance(q, (wq.Term, wq.Prefix, wq.Phrase)) and q.fieldname not in self.schema:
            return _EMPTY
        if isinstance(q, (wq.Term, wq.Prefix, wq.Phrase)) and q.fieldname.startswith(("t__", "a__")):
            raise Unsupported(q)  # a text field of an old index format: Whoosh's matching
        ids = self._filter(q)
        return ids, np.zeros(len(ids))

    def _filter(self, q) -> np.ndarray:
        try:
            key = (q, hash(q))
            cached = self._filters.get(key)
        except TypeError:
            key, cached = None, None
        if cached is not None:
            return cached
        if _has_text(q, self):
            ids, _ = self.run(q)
        else:
            ids = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
            ids.sort()
        if key is not None:
            if len(self._filters) >= MAX_FILTER_CACHE:
                self._filters.clear()
            self._filters[key] = ids
        return ids

    @staticmethod
    def _union(results, boost=1.0):
        results = [r for r in results if len(r[0])]
        if not results:
            return _EMPTY
        if len(results) == 1:
            ids, scores = results[0]
            return ids, scores * boost
        ids, inverse = np.unique(np.concatenate([r[0] for r in results]), return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate([r[1] for r in results]), minlength=len(ids))
        return ids, scores * boost

    @staticmethod
    def _intersection(results, boost=1.0):
        if not results:
            return _EMPTY
        results = sorted(results, key=lambda r: len(r[0]))
        ids, scores = results[0]
        for other_ids, other_scores in results[1:]:
            if not len(ids):
                return _EMPTY
            ids, i, j = np.intersect1d(ids, other_ids, assume_unique=True, return_indices=True)
            scores = scores[i] + other_scores[j]
        return ids, scores * boost

    def _prefix(self, q):
        terms = []
        for reader, _ in self.leaves:
            for t in reader.expand_prefix(q.fieldname, q.text):
                terms.append(t)
                if len(terms) >= MAX_PREFIX_TERMS:
                    break
        results = []
        for text in dict.fromkeys(terms):
            ids, tfs, _ = self.postings(q.fieldname, text)
            results.append((ids, self.bm25(q.fieldname, text, ids, tfs)))
        return self._union(results, q.boost)

    def _phrase(self, q):
        field, words = q.fieldname, list(q.words)
        if len(words) == 1:
            return self.run(wq.Term(field, words[0], boost=q.boost))
        lists = [self.postings(field, w, values=True) for w in words]
        if any(not len(ids) for ids, _, _ in lists):
            return _EMPTY
        cand = lists[0][0]
        for ids, _, _ in lists[1:]:
            cand = np.intersect1d(cand, ids, assume_unique=True)
            if not len(cand):
                return _EMPTY
        where = [np.searchsorted(ids, cand) for ids, _, _ in lists]
        values = [vals for _, _, vals in lists]
        keep = np.zeros(len(cand), dtype=bool)
        slop = max(int(getattr(q, "slop", 1) or 1), 1)
        for j in range(len(cand)):
            acc = _mask(values[0][where[0][j]])
            for k in range(1, len(words)):
                # Term k must sit k positions after term 0 (or up to k·slop with a looser phrase).
                m = _mask(values[k][where[k][j]])
                if slop == 1:
                    acc &= m >> k
                else:
                    acc &= _spread(m >> k, k * (slop - 1))
                if not acc:
                    break
            keep[j] = bool(acc)
        cand = cand[keep]
        scores = np.zeros(len(cand))
        for (ids, tfs, _), w, word in zip(lists, where, words, strict=True):
            idx = w[keep]
            scores += self.bm25(field, word, ids[idx], tfs[idx])
        return cand, scores * q.boost


def _spread(mask: int, width: int) -> int:
    out = mask
    for _ in range(width):
        mask >>= 1
        out |= mask
    return out


def _has_text(q, engine) -> bool:
    fieldname = getattr(q, "fieldname", None)
    if fieldname is not None and engine.is_text(fieldname):
        return True
    return any(_has_text(c, engine) for c in q.children())


class Ranked:
    """The documents matching a query with their scores; ranked (score, then index order) on demand."""

    def __init__(self, searcher, ids: np.ndarray, scores: np.ndarray):
        self.searcher = searcher
        self.ids = ids
        self.scores = scores
        self._order = None

    def __len__(self):
        return len(self.ids)

    def page(self, start: int, stop: int | None) -> list[tuple[str, float]]:
        """(pk, score) of the ranked documents ``start:stop``."""
        n = len(self.ids)
        stop = n if stop is None else min(stop, n)
        if start >= stop:
            return []
        if self._order is None:
            if stop < n // 4:
                # Only the top of the list is needed: partition, then sort that part.
                top = np.argpartition(-self.scores, stop - 1)[:stop]
                threshold = self.scores[top].min()
                top = np.flatnonzero(self.scores >= threshold)
                order = top[np.lexsort((self.ids[top], -self.scores[top]))]
            else:
                order = np.lexsort((self.ids, -self.scores))
                self._order = order
        else:
            order = self._order
        stored = self.searcher.stored_fields
        return [(stored(int(self.ids[i]))["pk"], float(self.scores[i])) for i in order[start:stop]]


def evaluate(searcher, q) -> Ranked:
    ids, scores = Engine.of(searcher).run(q)
    return Ranked(searcher, ids, scores)
