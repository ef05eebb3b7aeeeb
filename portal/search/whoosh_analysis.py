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
