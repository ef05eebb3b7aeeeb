"""Field lengths of a whole segment at once.

Whoosh keeps one length byte per document and field in a column file and, when it writes postings, looks the
length up once per posting (a seek and a read each time) — the largest single cost of a rebuild. Reading the
column once per field makes that a list index; the query engine uses the same bytes as a numpy array.
"""

from array import array

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3FieldWriter, W3PostingsWriter
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from ..whoosh_analysis import F32s, PackedValues, U32s

BYTE_TO_LENGTH = [byte_to_length(i) for i in range(256)]


def length_bytes(perdoc, fieldname: str, doccount: int) -> bytes:
    """The length byte of every document of a segment for ``fieldname`` (zero where absent)."""
    reader = (
        perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if hasattr(perdoc, "_cached_reader")
        else None
    )
    if reader is None:
        return bytes(doccount)
    raw = reader._dbfile.get(reader._basepos, reader._count) if reader._count else b""
    return raw[:doccount] + bytes(max(0, doccount - len(raw)))


class _SegmentLengths:
    def __init__(self, perdoc, doccount):
        self.perdoc = perdoc
        self.doccount = doccount
        self.cache: dict[str, list[int]] = {}

    def field(self, fieldname) -> list[int]:
        lengths = self.cache.get(fieldname)
        if lengths is None:
            table = BYTE_TO_LENGTH
            lengths = [table[b] for b in length_bytes(self.perdoc, fieldname, self.doccount)]
            self.cache[fieldname] = lengths
        return lengths

    def doc_field_length(self, docnum, fieldname, default=0):
        return self.field(fieldname)[docnum]

    def close(self):
        self.perdoc.close()


class _TermPostings:
    """One term's postings in a segment being written: document numbers and weights in typed arrays, values (the
    positions, already bytes) in a list — about 60 bytes a posting instead of a 5-tuple and its objects (~200)."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self):
        self.ids = array("I")
        self.weights = array("f")
        self.values = []


class TermPool:
    """Postings grouped by term as they arrive, instead of Whoosh's pool of single postings that is sorted as a
    whole (and spilled to temporary files and merged back past ``limitmb``). Documents arrive in increasing
    number, so each term's list is already in order and only the terms are sorted at the end. Everything
    stays in memory, compactly (:class:`_TermPostings`): rebuilding the bench's 25,000 documents adds ~380 MiB to
    the process at its peak (~1,140 MiB with a tuple per posting)."""

    def __init__(self, *args, **kwargs):
        self.terms: dict[tuple[str, bytes], _TermPostings] = {}
        self.fieldnames: set[str] = set()
        self.unordered = False

    def add(self, item):
        fieldname, btext, docnum, weight, value = item
        key = (fieldname, btext)
        postings = self.terms.get(key)
        if postings is None:
            postings = self.terms[key] = _TermPostings()
            self.fieldnames.add(fieldname)
        elif docnum < postings.ids[-1]:
            self.unordered = True
        postings.ids.append(docnum)
        postings.weights.append(weight)
        postings.values.append(value)

    def iter_postings(self):
        terms = self.terms
        for key in sorted(terms):
            postings = terms[key]
            items = zip(postings.ids, postings.weights, postings.values, strict=True)
            if self.unordered:
                items = sorted(items, key=lambda item: item[0])
            for docnum, weight, value in items:
                yield (key[0], key[1], docnum, weight, value)

    def cleanup(self):
        self.terms = {}


class PackedPostingsWriter(W3PostingsWriter):
    """Whoosh's posting blocks (same layout and statistics; zlib level ``POSTINGS_COMPRESSION``) with the document
    numbers, weights and values packed into bytes (:class:`~portal.search.whoosh_analysis.U32s`, ``F32s``,
    ``PackedValues``) instead of tuples: a block then unpickles as a handful of objects instead of one per posting,
    and the engine reads it with ``numpy.frombuffer``. Whoosh's own matchers read these blocks unchanged (the packed
    objects index and iterate like tuples); the engine still reads blocks in Whoosh's tuple form (segments written
    before)."""

    def _mini_ids(self):
        if self._byteids:
            return super()._mini_ids()
        ids = np.asarray(self._ids, dtype=np.uint32)
        deltas = np.empty_like(ids)
        deltas[:1] = ids[:1]
        np.subtract(ids[1:], ids[:-1], out=deltas[1:])
        return U32s(deltas.tobytes())

    def _mini_weights(self):
        weights = self._weights
        first = weights[0]
        if all(w == first for w in weights):
            return None if first == 1.0 else first
        return F32s(array("f", weights).tobytes())

    def _mini_values(self):
        fixedsize = self._format.fixed_value_size()
        if fixedsize is None or fixedsize < 0:
            return PackedValues.pack(self._values)
        return super()._mini_values()


BLOCK_LIMIT = (
    1024  # postings per block (Whoosh: 128); the engine reads whole lists, so fewer blocks is faster
)


# zlib level of the posting blocks our writer writes (Whoosh: 3). 0: stored as they are — reading a block is then a
# slice of the memory-mapped segment (:mod:`.storage`) and an unpickling, with no decompression on the search path.
POSTINGS_COMPRESSION = 0


class _PackedCodec:
    """The index's codec, except that the field writer gets :class:`PackedPostingsWriter` s of
    ``BLOCK_LIMIT`` postings."""

    def __init__(self, codec):
        self._codec = codec

    def __getattr__(self, name):
        return getattr(self._codec, name)

    def postings_writer(self, dbfile, byteids=False):
        codec = self._codec
        return PackedPostingsWriter(
            dbfile,
            blocklimit=max(codec._blocklimit, BLOCK_LIMIT),
            byteids=byteids,
            compression=POSTINGS_COMPRESSION,
            inlinelimit=codec._inlinelimit,
        )


class FastSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with a :class:`TermPool`, field lengths read once per field when the postings
    are written, and packed posting blocks (:class:`PackedPostingsWriter`)."""

    packed = True  # False: Whoosh's own block format (as indexes written before the packed blocks)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = TermPool()
        fw = self.fieldwriter
        if self.packed and isinstance(fw, W3FieldWriter) and hasattr(fw._codec, "_blocklimit"):
            fw._codec = _PackedCodec(fw._codec)

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = None
        if self.codec.length_stats:
            lengths = _SegmentLengths(self.per_document_reader(), self.docnum)
        fw = self.fieldwriter
        if isinstance(fw, W3FieldWriter) and isinstance(self.pool, TermPool) and not self.pool.unordered:
            _write_terms(fw, self.schema, lengths, self.pool.terms)
        else:
            fw.add_postings(self.schema, lengths, self.pool.iter_postings())
        fw.close()
        if lengths is not None:
            lengths.close()


def _write_terms(fw, schema, lengths, terms):
    """Whoosh's ``FieldWriter.add_postings`` for grouped postings: a posting block at a time instead of one
    posting at a time (the same blocks, statistics and inlining: the block writer and ``finish_term`` are
    Whoosh's)."""
    lastfield = None
    lens = None
    for key in sorted(terms):
        fieldname, btext = key
        if fieldname != lastfield:
            if lastfield is not None:
                fw.finish_field()
            fw.start_field(fieldname, schema[fieldname])
            lastfield = fieldname
            lens = lengths.field(fieldname) if lengths is not None else None
        fw.start_term(btext)
        pw = fw._postwriter
        limit = pw._blocklimit
        postings = terms[key]
        all_ids, all_weights, all_values = postings.ids, postings.weights, postings.values
        for start in range(0, len(all_ids), limit):
            if len(pw._ids):
                pw._write_block()
            ids = all_ids[start : start + limit]
            weights = all_weights[start : start + limit]
            pw._ids = ids
            pw._weights = weights
            pw._values = [v for v in all_values[start : start + limit] if v]
            pw._maxweight = max(0, max(weights))
            found = [n for n in (lens[d] for d in ids) if n] if lens is not None else []
            pw._minlength = min(found) if found else None
            pw._maxlength = max(found) if found else 0
        fw.finish_term()
    if lastfield is not None:
        fw.finish_field()
