"""Field lengths of a whole segment at once.

Whoosh keeps one length byte per document and field in a column file and, when it writes postings, looks the
length up once per posting (a seek and a read each time) — the largest single cost of a rebuild. Reading the
column once per field makes that a list index; the query engine uses the same bytes as a numpy array.
"""

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

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

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.cache.get(fieldname)
        if lengths is None:
            table = BYTE_TO_LENGTH
            lengths = [table[b] for b in length_bytes(self.perdoc, fieldname, self.doccount)]
            self.cache[fieldname] = lengths
        return lengths[docnum]

    def close(self):
        self.perdoc.close()


class FastSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, with field lengths read once per field when the postings are written."""

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = None
        if self.codec.length_stats:
            lengths = _SegmentLengths(self.per_document_reader(), self.docnum)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()
