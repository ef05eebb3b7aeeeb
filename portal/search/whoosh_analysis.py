"""The Japanese analyzer as a Whoosh analyzer (no Django import: the schema is pickled into the index)."""

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer

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
