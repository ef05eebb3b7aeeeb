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

import os
import threading
from collections import OrderedDict
from math import log

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.reading import TermNotFound

from ..whoosh_analysis import F32s, JapanesePositions, PackedValues, U32s
from .lengths import BYTE_TO_LENGTH, length_bytes

K1 = 1.2
B = 0.75
_LENGTH_TABLE = np.array(BYTE_TO_LENGTH, dtype=np.float64)
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
MAX_PREFIX_TERMS = 1024
MAX_FILTER_CACHE = 64


class Unsupported(Exception):
    pass


class TailPrefixPhrase(wq.Phrase):
    """A phrase whose last word is a prefix: 「AI車」 (ai, then any term starting with 車 — 車 at the end of a run,
    or a bigram 車両, 車庫 …) is found in 「AI車両」, as a lone 車 is (:class:`whoosh.query.Prefix`). The engine
    evaluates it directly; Whoosh's matching (ordering by a field) sees the phrases of the expanded terms."""

    def expanded(self, reader) -> wq.Query:
        head, last = list(self.words[:-1]), self.words[-1]
        terms = []
        for t in reader.expand_prefix(self.fieldname, last):
            terms.append(t.decode() if isinstance(t, bytes) else t)
            if len(terms) >= MAX_PREFIX_TERMS:
                break
        if not terms:
            return wq.NullQuery
        return wq.Or([wq.Phrase(self.fieldname, [*head, t], boost=self.boost) for t in terms])

    def matcher(self, searcher, context=None):
        return self.expanded(searcher.reader()).matcher(searcher, context)


class Engine:
    """Evaluates Whoosh queries against one searcher (one index generation); cached on the searcher."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.schema = searcher.schema
        self.leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self.segment_keys = [_segment_key(reader) for reader, _ in self.leaves]
        self.doccount = searcher.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._filters: dict = {}
        self._df: dict[tuple[str, str], int] = {}
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

    def postings(self, field: str, text: str, positions: bool = False):
        """(docnums, term frequencies, position counts, positions) of one term over all segments, deleted
        documents out. ``counts[i]`` positions of posting ``i`` follow each other in ``positions`` (both None
        unless ``positions`` is asked for on a text field)."""
        parts = []
        btext = None
        df = 0
        for (reader, offset), key in zip(self.leaves, self.segment_keys, strict=True):
            if btext is None:
                btext = reader._text_to_bytes(field, text)
            segment = _segment_postings(reader, key, field, btext, positions)
            if segment is None:
                continue
            df += len(segment[0])
            parts.append((offset, segment))
        # A segment's postings include its deleted documents, as Whoosh's document frequency does.
        self._df[(field, text)] = df
        if not parts:
            return _EMPTY[0], _EMPTY[1], _EMPTY_COUNTS, _EMPTY_POS
        if len(parts) == 1:
            offset, (ids, tfs, counts, pos) = parts[0]
            ids = ids + offset
        else:
            ids = np.concatenate([p[0] + offset for offset, p in parts])
            tfs = np.concatenate([p[1] for _, p in parts])
            counts = np.concatenate([p[2] for _, p in parts]) if positions else None
            pos = np.concatenate([p[3] for _, p in parts]) if positions else None
        keep = self.alive()[ids]
        if not keep.all():
            if positions:
                pos = pos[np.repeat(keep, counts)]
                counts = counts[keep]
            ids, tfs = ids[keep], tfs[keep]
        return ids, tfs, counts, pos

    def idf(self, field: str, text: str) -> float:
        """Whoosh's idf (``WeightingModel.idf``: log(documents / (document frequency + 1)) + 1, deleted documents
        counted in both, as Whoosh counts them) from the postings already read — no second look-up of the term in
        every segment's table."""
        df = self._df.get((field, text))
        if df is None:
            return self.searcher.idf(field, text)
        return log(self.doccount / (df + 1)) + 1

    def bm25(self, field: str, text: str, ids: np.ndarray, tfs: np.ndarray) -> np.ndarray:
        if not len(ids):
            return np.zeros(0)
        idf = self.idf(field, text)
        avgfl = self.searcher.avg_field_length(field) or 1
        fl = self.lengths(field)[ids]
        return idf * ((tfs * (K1 + 1)) / (tfs + K1 * ((1 - B) + B * fl / avgfl)))

    # --- evaluation ---------------------------------------------------------------------------------------

    def run(self, q):
        """(sorted unique docnums, scores) of the documents matching ``q``."""
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return _EMPTY
        if isinstance(q, wq.Term) and self.is_text(q.fieldname):
            ids, tfs, _, _ = self.postings(q.fieldname, q.text)
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
            ids, tfs, _, _ = self.postings(q.fieldname, text)
            results.append((ids, self.bm25(q.fieldname, text, ids, tfs)))
        return self._union(results, q.boost)

    def _phrase(self, q):
        field, words = q.fieldname, list(q.words)
        if len(words) == 1:
            return self.run(wq.Term(field, words[0], boost=q.boost))
        if int(getattr(q, "slop", 1) or 1) > 1:
            raise Unsupported(q)  # a looser phrase: Whoosh's matching (the compiler never builds one)
        # One slot per word: the terms that may stand at that place (several for the prefix of a
        # TailPrefixPhrase), each with its postings.
        slots = [[(w, self.postings(field, w, positions=True))] for w in words]
        if isinstance(q, TailPrefixPhrase):
            slots[-1] = [(t, self.postings(field, t, positions=True)) for t in self._expand(field, words[-1])]
        slots = [[(t, p) for t, p in slot if len(p[0])] for slot in slots]
        if not all(slots):
            return _EMPTY
        slot_ids = [
            slot[0][1][0] if len(slot) == 1 else np.unique(np.concatenate([p[0] for _, p in slot]))
            for slot in slots
        ]
        cand = None
        for ids in sorted(slot_ids, key=len):
            cand = ids if cand is None else np.intersect1d(cand, ids, assume_unique=True)
            if not len(cand):
                return _EMPTY
        # Term k of the phrase must be at (position of term 0) + k in the same document: with a key of
        # document × 2³² + (position − k) per occurrence, the phrase occurs where every term has the same key.
        keys = None
        n = len(words)
        for k in sorted(range(n), key=lambda k: sum(len(p[3]) for _, p in slots[k])):
            parts = []
            for _, (ids, _, counts, pos) in slots[k]:
                sel = np.isin(ids, cand, assume_unique=True)
                parts.append(
                    (np.repeat(ids[sel], counts[sel]) << 32)
                    | (pos[np.repeat(sel, counts)].astype(np.int64) + (n - k))
                )
            key = parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))
            keys = key if keys is None else np.intersect1d(keys, key, assume_unique=True)
            if not len(keys):
                return _EMPTY
        cand = cand[np.isin(cand, keys >> 32)]
        scores = np.zeros(len(cand))
        for slot in slots:
            for term, (ids, tfs, _, _) in slot:
                idx = np.searchsorted(ids, cand)
                idx[idx == len(ids)] = 0
                has = ids[idx] == cand
                scores[has] += self.bm25(field, term, ids[idx[has]], tfs[idx[has]])
        return cand, scores * q.boost

    def _expand(self, field: str, prefix: str) -> list[str]:
        terms = []
        for reader, _ in self.leaves:
            for t in reader.expand_prefix(field, prefix):
                terms.append(t.decode() if isinstance(t, bytes) else t)
                if len(terms) >= MAX_PREFIX_TERMS:
                    break
        return list(dict.fromkeys(terms))


# --- reading posting lists ------------------------------------------------------------------------------------

_EMPTY_COUNTS = np.zeros(0, dtype=np.int64)
_EMPTY_POS = np.zeros(0, dtype=np.uint32)
POSTINGS_CACHE_BYTES = 64 << 20
_ABSENT = object()  # in the postings cache: the segment does not have the term


class _PostingsCache:
    """Decoded posting lists per (segment, field, term), least recently used out past ``limit`` bytes.

    A segment never changes once written (deletions are kept apart and applied by the engine), so its decoded
    lists stay valid for every later index generation that still has the segment; a new segment has a new id.
    Shared by the searchers of a process."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            item = self.items.get(key)
            if item is not None:
                self.items.move_to_end(key)
            return item

    @staticmethod
    def _size(item) -> int:
        # An absent term still costs its key and entry: counted so that absences cannot grow without bound.
        return 128 if item is _ABSENT else sum(a.nbytes for a in item if a is not None)

    def put(self, key, item):
        size = self._size(item)
        if size > self.limit // 4:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = item
            self.size += size
            while self.size > self.limit and self.items:
                _, old = self.items.popitem(last=False)
                self.size -= self._size(old)

    def clear(self):
        with self.lock:
            self.items.clear()
            self.size = 0


postings_cache = _PostingsCache(POSTINGS_CACHE_BYTES)


def _segment_key(reader):
    """What identifies a segment's files for :data:`postings_cache`: the segment id alone is not enough (Whoosh
    draws it from ``random``, which a seeded process repeats; an index directory can be wiped and rebuilt), so
    the segment's file on disk is part of it. None (no caching) for an index not in a directory."""
    segment = getattr(reader, "_segment", None)
    storage = getattr(reader, "_storage", None)
    folder = getattr(getattr(storage, "b", storage), "folder", None)
    if segment is None or folder is None:
        return None
    name = segment.make_filename(segment.COMPOUND_EXT if segment.is_compound() else W3Codec.POSTS_EXT)
    try:
        st = os.stat(os.path.join(folder, name))
    except OSError:
        return None
    return (os.path.abspath(folder), segment.segment_id(), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _segment_postings(reader, segment_key, field: str, btext: bytes, positions: bool):
    """(docnums, frequencies, position counts, positions) of one term in one segment, deletions included; None
    when the segment does not have the term (remembered in the cache too, so a warm search looks nothing up)."""
    key = None if segment_key is None else (segment_key, field, btext)
    if key is not None:
        cached = postings_cache.get(key)
        if cached is _ABSENT:
            return None
        if cached is not None and (cached[2] is not None or not positions):
            return cached
    fmt = reader.schema[field].format
    terms = getattr(reader, "_terms", None)
    if terms is None:
        return None  # a reader with no terms table (an index without segments)
    try:
        # One look-up of the term in the segment's table (``matcher`` would make a second one).
        info = terms.term_info(field, btext)
    except TermNotFound:
        if key is not None:
            postings_cache.put(key, _ABSENT)
        return None
    m = terms._codec.postings_reader(terms._postfile, info, fmt, term=(field, btext))
    out = _decode(m, positions or isinstance(fmt, JapanesePositions))
    if key is not None:
        postings_cache.put(key, out)
    return out


def _decode(m, values: bool):
    if not isinstance(m, W3LeafMatcher):
        # Inlined postings (a term in one document) and anything else: the generic matcher API.
        id_list, tf_list, vals = [], [], []
        while m.is_active():
            id_list.append(m.id())
            tf_list.append(m.weight())
            if values:
                vals.append(m.value())
            m.next()
        ids = np.array(id_list, dtype=np.int64)
        tfs = np.array(tf_list, dtype=np.float64)
        if not values:
            return ids, tfs, None, None
        counts, pos = _positions([b"".join(vals)], np.fromiter(map(len, vals), np.int64, len(vals)))
        return ids, tfs, counts, pos
    id_parts, tf_parts, raw_values, value_ends = [], [], [], []
    while m.is_active():
        if m._data is None:
            m._read_data()
        raw_ids, raw_w, raw_v = m._data
        n = m._blocklength
        if isinstance(raw_ids, U32s):
            id_parts.append(np.frombuffer(raw_ids.raw, dtype=np.uint32))
        else:
            id_parts.append(np.asarray(raw_ids, dtype=np.int64))
        if raw_w is None:
            tf_parts.append(np.ones(n))
        elif isinstance(raw_w, float):
            tf_parts.append(np.full(n, raw_w))
        elif isinstance(raw_w, F32s):
            tf_parts.append(np.frombuffer(raw_w.raw, dtype=np.float32))
        else:
            tf_parts.append(np.asarray(raw_w, dtype=np.float64))
        if values:
            if isinstance(raw_v, PackedValues):
                raw_values.append(raw_v.raw)
                value_ends.append(np.frombuffer(raw_v.ends, dtype=np.uint32))
            else:
                raw_values.append(b"".join(raw_v))
                value_ends.append(np.cumsum(np.fromiter(map(len, raw_v), np.int64, len(raw_v))))
        m._next_block()
    if not id_parts:
        return _EMPTY[0], _EMPTY[1], (_EMPTY_COUNTS if values else None), (_EMPTY_POS if values else None)
    # Each block's document numbers are deltas from the block's first (which is absolute).
    lengths = [len(p) for p in id_parts]
    ids = _block_cumsum(np.concatenate(id_parts).astype(np.int64), lengths)
    tfs = np.concatenate(tf_parts).astype(np.float64, copy=False)
    if not values:
        return ids, tfs, None, None
    # Each block's value end offsets count from the block's start, like its document numbers.
    ends = np.concatenate(value_ends).astype(np.int64)
    value_lengths = np.diff(ends, prepend=0)
    if len(lengths) > 1:
        starts = np.cumsum(lengths[:-1])
        value_lengths[starts] = ends[starts]
    counts, pos = _positions(raw_values, value_lengths)
    return ids, tfs, counts, pos


def _block_cumsum(deltas: np.ndarray, lengths: list[int]) -> np.ndarray:
    """Running sums restarting at each block: one running sum over all blocks, less the sum reached before
    each block."""
    total = np.cumsum(deltas)
    if len(lengths) > 1:
        ends = np.cumsum(lengths)
        before = np.concatenate(([0], total[ends[:-1] - 1]))
        total -= np.repeat(before, lengths)
    return total


def _positions(raw_values, value_lengths):
    """Position counts and positions from :class:`JapanesePositions` values (frequency, then the positions, as
    32-bit integers), given each value's length in bytes."""
    flat = np.frombuffer(b"".join(raw_values), dtype=np.uint32)
    words = value_lengths // 4
    counts = words - 1
    header = np.cumsum(words) - words
    keep = np.ones(len(flat), dtype=bool)
    keep[header] = False
    return counts, flat[keep]


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
