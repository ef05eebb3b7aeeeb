"""The Japanese analyzer as a Whoosh tokenizer (no Django import: the schema is pickled into the index).

Only Whoosh's documented extension point is used: a :class:`whoosh.analysis.Tokenizer` subclass, plugged into a
stock ``TEXT`` field with Whoosh's own ``Positions`` postings. Each token is a new :class:`whoosh.analysis.Token`
built from its keyword arguments; nothing of Whoosh is patched or reached into.
"""

from whoosh.analysis import Token as WhooshToken
from whoosh.analysis import Tokenizer
from whoosh.fields import TEXT

from . import analysis


class JapaneseTokenizer(Tokenizer):
    """Whoosh tokenizer over :func:`portal.search.analysis.tokenize` (normalisation is part of it)."""

    def __init__(self, autocomplete: bool = False):
        self.autocomplete = autocomplete

    def __eq__(self, other):
        return type(self) is type(other) and self.autocomplete == other.autocomplete

    def __hash__(self):
        return hash((type(self), self.autocomplete))

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
        common = {"removestops": removestops, "mode": mode, **kwargs}
        if not tokenize:
            yield WhooshToken(
                positions,
                chars,
                text=value,
                original=value,
                pos=start_pos,
                startchar=start_char,
                endchar=start_char + len(value),
                **common,
            )
            return
        # At query time only the plain terms matter (edge n-grams are an index-time expansion).
        autocomplete = self.autocomplete and mode != "query"
        for tok in analysis.tokenize(value, autocomplete=autocomplete):
            yield WhooshToken(
                positions,
                chars,
                text=tok.text,
                original=tok.text,
                pos=start_pos + tok.pos,
                startchar=start_char + tok.start,
                endchar=start_char + tok.end,
                **common,
            )


def japanese_analyzer():
    return JapaneseTokenizer()


def autocomplete_analyzer():
    return JapaneseTokenizer(autocomplete=True)


def text_field(autocomplete: bool = False):
    """A stock Whoosh ``TEXT`` field (positions kept for phrases) with the Japanese tokenizer."""
    return TEXT(analyzer=JapaneseTokenizer(autocomplete=autocomplete), phrase=True)
