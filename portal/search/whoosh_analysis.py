"""The Japanese analyzer as a Whoosh analyzer and posting format (no Django import: the schema is pickled into
the index)."""

from array import array

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import _INT_SIZE, pack_uint, unpack_uint

from . import analysis


class JapaneseTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`portal.search.analysis.tokenize` (normalisation is part of it)."""

    def __init__(self, autocomplete: bool = False):
        self.autocomplete = autocomplete

    def __eq__(self, other):
        return type(self) is type(other) and self.autocomplete == other.autocomplete

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        # At query time only the plain terms matter (edge n-grams are an index-time expansion).
        autocomplete = self.autocomplete and mode != "query"
        for tok in analysis.tokenize(value, autocomplete=autocomplete):
            t.text = tok.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = tok.text
            if positions:
                t.pos = start_pos + tok.pos
            if chars:
                t.startchar = start_char + tok.start
                t.endchar = start_char + tok.end
            yield t


def japanese_analyzer():
    return JapaneseTokenizer()


def autocomplete_analyzer():
    return JapaneseTokenizer(autocomplete=True)


class U32s:
    """Unsigned 32-bit integers packed in one bytes object (machine order), in a posting block.

    Whoosh pickles a block's document numbers (and values) as tuples with pickle protocol 2, where every element is
    an object to rebuild — most of the cost of reading a block. Packed, a block unpickles as a few bytes objects
    that :mod:`portal.search.backend.engine` reads with ``numpy.frombuffer``; for Whoosh's own matchers this
    iterates and indexes like the tuple it replaces."""

    __slots__ = ("raw",)
    code = "I"

    def __init__(self, raw: bytes = b""):
        self.raw = raw

    def __reduce__(self):
        return (type(self), (self.raw,))

    def _view(self):
        return memoryview(self.raw).cast(self.code)

    def __len__(self):
        return len(self.raw) // 4

    def __iter__(self):
        return iter(self._view())

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._view()[i].tolist()
        return self._view()[i]

    def __eq__(self, other):
        return list(self) == list(other)


class F32s(U32s):
    """32-bit floats packed like :class:`U32s` (a block's weights)."""

    __slots__ = ()
    code = "f"


class PackedValues:
    """A block's posting values (bytes each) as one bytes object and the end offset of each value (:class:`U32s`
    bytes); indexes and iterates like the tuple of values Whoosh would have pickled."""

    __slots__ = ("raw", "ends")

    def __init__(self, raw: bytes = b"", ends: bytes = b""):
        self.raw = raw
        self.ends = ends

    def __reduce__(self):
        return (type(self), (self.raw, self.ends))

    def __len__(self):
        return len(self.ends) // 4

    def __getitem__(self, i):
        ends = memoryview(self.ends).cast("I")
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(ends)))]
        if i < 0:
            i += len(ends)
        return self.raw[ends[i - 1] if i else 0 : ends[i]]

    def __iter__(self):
        start = 0
        raw = self.raw
        for end in memoryview(self.ends).cast("I"):
            yield raw[start:end]
            start = end

    @classmethod
    def pack(cls, values) -> "PackedValues":
        ends = array("I")
        total = 0
        for v in values:
            total += len(v)
            ends.append(total)
        return cls(b"".join(values), ends.tobytes())


class JapanesePositions(Positions):
    """Positions, written without Whoosh's per-token pipeline: :func:`analysis.index_terms` gives each term's
    positions in one pass. A posting's value is the frequency (4 bytes) and the positions as unsigned 32-bit
    integers (machine order), which :mod:`portal.search.backend.engine` reads back without unpickling."""

    def word_values(self, value, analyzer, **kwargs):
        fb = self.field_boost
        autocomplete = bool(getattr(analyzer, "autocomplete", False))
        for term, poses in analysis.index_terms(value, autocomplete=autocomplete).items():
            yield term, len(poses), len(poses) * fb, pack_uint(len(poses)) + array("I", poses).tobytes()

    def encode(self, poslist):
        return pack_uint(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring):
        return array("I", valuestring[_INT_SIZE:]).tolist()

    def decode_frequency(self, valuestring):
        return unpack_uint(valuestring[:_INT_SIZE])[0]


def text_field(autocomplete: bool = False):
    """A Whoosh TEXT field with the Japanese analyzer and :class:`JapanesePositions` postings."""
    field = TEXT(analyzer=JapaneseTokenizer(autocomplete=autocomplete), phrase=True)
    field.format = JapanesePositions(field_boost=field.format.field_boost)
    return field
