"""Japanese-aware text analysis, shared by the search backend, the snippet highlighter and anyone else.

Pure Python, no Django: the matching engine and scripts may import it.

The rules:
- NFKC normalisation (ＡＩ → AI, ｶﾒﾗ → カメラ, ① → 1) and lower case; offsets into the original text are kept
  so that highlights land on the characters the user wrote.
- A run of CJK characters (kanji, hiragana, katakana) gives one unigram per character and one bigram per
  adjacent pair, each at the position of its first character. 「除雪車」 → 除 除雪 雪 雪車 車.
- Any other run of letters or digits is one word.
- A query is split on white space into chunks; each chunk becomes a *phrase*: consecutive bigrams (and words)
  that must appear at consecutive positions, so 「除雪」 never matches 除…雪 scattered over a document.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Kanji (incl. extension A, compatibility, and the supplementary planes), hiragana, katakana (incl. ー and the
# phonetic extension), the iteration marks 々 〆 〇. The katakana middle dot ・ (U+30FB) is punctuation.
_CJK_RANGES = (
    "\u3005-\u3007"
    "\u3041-\u3096\u309d-\u309f"
    "\u30a1-\u30fa\u30fc-\u30ff"
    "\u31f0-\u31ff"
    "\u3400-\u4dbf"
    "\u4e00-\u9fff"
    "\uf900-\ufaff"
    "\U00020000-\U0002fa1f"
)
_TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK_RANGES}]+)|(?P<word>[^\W_{_CJK_RANGES}]+)")
_SPACE_RE = re.compile(r"\s+")
# Characters that join the preceding character under NFKC (half-width voiced marks, combining marks).
_JOINERS = {"\uff9e", "\uff9f", "\u3099", "\u309a"}

MAX_WORD_PREFIX = 15  # longest edge n-gram indexed for autocomplete
MAX_QUERY_CHUNKS = 32  # a query with more white-space separated parts is cut here
MAX_PHRASE_TERMS = 48  # a longer phrase is cut here (a pasted paragraph is not a useful query)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    pos: int
    start: int  # offsets into the ORIGINAL text
    end: int


def normalize_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC + lower case. Returns the normalised text and, per normalised character, its start and end offset
    in the original text."""
    if unicodedata.is_normalized("NFKC", text):
        lowered = text.lower()
        if len(lowered) == len(text):
            n = len(text)
            return lowered, list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (text[j] in _JOINERS or unicodedata.combining(text[j])):
            j += 1
        piece = unicodedata.normalize("NFKC", text[i:j]).lower()
        for ch in piece:
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(out), starts, ends


def normalize(text: str) -> str:
    """NFKC + lower case, as the index sees the text."""
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str, *, autocomplete: bool = False) -> Iterator[Token]:
    """Index-time tokens of ``text`` with positions and original offsets.

    With ``autocomplete`` each word also yields its prefixes (edge n-grams) at the word's position, so a query
    for "algo" finds "algorithm". CJK runs need no extra terms: any substring already matches as a phrase.
    """
    norm, starts, ends = normalize_with_offsets(text)
    pos = 0
    for m in _TOKEN_RE.finditer(norm):
        run = m.group()
        b = m.start()
        if m.lastgroup == "word":
            s, e = starts[b], ends[m.end() - 1]
            yield Token(run, pos, s, e)
            if autocomplete:
                for k in range(1, min(len(run), MAX_WORD_PREFIX + 1)):
                    yield Token(run[:k], pos, s, e)
            pos += 1
            continue
        n = len(run)
        for i in range(n - 1):
            yield Token(run[i : i + 2], pos + i, starts[b + i], ends[b + i + 1])
        yield Token(run[-1], pos + n - 1, starts[b + n - 1], ends[b + n - 1])
        pos += n


def index_terms(text: str, *, autocomplete: bool = False) -> dict[str, list[int]]:
    """The terms of ``text`` with their positions, as :func:`tokenize` gives them, without offsets.

    The fast path for indexing: one NFKC pass over the whole text (as queries are normalised) and no per-token
    objects. ``{term: [positions…]}`` in order of first occurrence.
    """
    out: dict[str, list[int]] = {}
    get = out.get
    pos = 0
    for m in _TOKEN_RE.finditer(normalize(text)):
        run = m.group()
        if m.lastgroup == "word":
            for term in (
                (run, *(run[:k] for k in range(1, min(len(run), MAX_WORD_PREFIX + 1))))
                if (autocomplete)
                else (run,)
            ):
                found = get(term)
                if found is None:
                    out[term] = [pos]
                elif found[-1] != pos:
                    found.append(pos)
            pos += 1
            continue
        n = len(run)
        for i in range(n - 1):
            term = run[i : i + 2]
            found = get(term)
            if found is None:
                out[term] = [pos + i]
            else:
                found.append(pos + i)
        last = run[-1]
        found = get(last)
        if found is None:
            out[last] = [pos + n - 1]
        else:
            found.append(pos + n - 1)
        pos += n
    return out


def _chunk_terms(chunk: str) -> list[str]:
    """The phrase terms for one white-space free query chunk (already normalised).

    A CJK run of n ≥ 2 characters gives its n-1 bigrams; if more tokens follow in the chunk, its last character
    is added as a unigram so that the positions of the whole chunk stay consecutive (「AI除雪車」 = ai 除雪 雪車 車…).
    """
    pieces = list(_TOKEN_RE.finditer(chunk))
    terms: list[str] = []
    for idx, m in enumerate(pieces):
        run = m.group()
        if m.lastgroup == "word" or len(run) == 1:
            terms.append(run)
            continue
        terms.extend(run[i : i + 2] for i in range(len(run) - 1))
        if idx + 1 < len(pieces):
            terms.append(run[-1])
    return terms[:MAX_PHRASE_TERMS]


def query_phrases(query: str) -> list[list[str]]:
    """Split a user query into phrases (lists of index terms at consecutive positions).

    Syntax characters mean nothing here: 「AND」 is the word "and", 「"」 and 「*」 are dropped. A query with
    no letters, digits or CJK characters gives ``[]``.
    """
    phrases = []
    for chunk in _SPACE_RE.split(normalize(query or "")):
        terms = _chunk_terms(chunk)
        if terms and terms not in phrases:
            phrases.append(terms)
        if len(phrases) >= MAX_QUERY_CHUNKS:
            break
    return phrases


# Between two consecutive units of a text (see match_spans): characters that are neither CJK nor letters or digits.
_GAP = rf"(?:[^\w{_CJK_RANGES}]|_)*"
_WORD_EDGE = rf"[^\W_{_CJK_RANGES}]"


def _query_sequences(query: str) -> list[list[str]]:
    seqs = []
    for chunk in _SPACE_RE.split(normalize(query or "")):
        seq = []
        for m in _TOKEN_RE.finditer(chunk):
            if m.lastgroup == "word":
                seq.append(m.group())
            else:
                seq.extend(m.group())
        if seq:
            seqs.append(seq[:MAX_PHRASE_TERMS])
    return seqs[:MAX_QUERY_CHUNKS]


def _sequence_pattern(seq: list[str]) -> re.Pattern:
    """A pattern found at the start of every occurrence of the units `seq` at consecutive unit positions of a
    (normalised) text: each CJK character is a unit, each run of other letters and digits is one (a whole word)."""
    units = [
        re.escape(unit) if is_cjk_char(unit) else rf"(?<!{_WORD_EDGE}){re.escape(unit)}(?!{_WORD_EDGE})"
        for unit in seq
    ]
    # A look-ahead, so that overlapping occurrences are all found (one per starting position).
    return re.compile(f"(?=({_GAP.join(units)}))")


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the query's phrases occur in ``text``: merged (start, end) offsets in the original text.

    The text's units are its CJK characters and its words (other runs of letters and digits), with what lies
    between them skipped; a phrase occurs where its units follow each other. Found with one regular expression per
    phrase over the normalised text, not unit by unit in Python (the search page highlights forty texts)."""
    if not text:
        return []
    seqs = _query_sequences(query)
    if not seqs:
        return []
    norm, starts, ends = normalize_with_offsets(text)
    spans = []
    for seq in seqs:
        for m in _sequence_pattern(seq).finditer(norm):
            spans.append((starts[m.start(1)], ends[m.end(1) - 1]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlight(
    text: str, query: str, *, max_chars: int = 160, before: str = "<mark>", after: str = "</mark>"
) -> str:
    """An HTML snippet of ``text`` (escaped) around the densest group of matches, with matches wrapped in
    ``before``/``after``. Without matches: the start of the text."""
    text = _SPACE_RE.sub(" ", text or "").strip()
    spans = match_spans(text, query)
    if not spans:
        cut = text[:max_chars]
        return html.escape(cut) + ("…" if len(text) > max_chars else "")
    # Window start: the match whose window holds the most matches.
    best, best_count = 0, -1
    for i, (s, _) in enumerate(spans):
        count = sum(1 for s2, e2 in spans[i:] if e2 <= s + max_chars)
        if count > best_count:
            best, best_count = i, count
    first = spans[best][0]
    start = max(0, min(first - max_chars // 4, len(text) - max_chars))
    end = min(len(text), start + max_chars)
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[cursor:s]))
        out.append(before + html.escape(text[s:e]) + after)
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


_CJK_CHAR_RE = re.compile(rf"[{_CJK_RANGES}]")


def is_cjk_char(term: str) -> bool:
    """True for a single CJK character (its index terms are the bigrams it starts, so it is searched as a prefix)."""
    return len(term) == 1 and bool(_CJK_CHAR_RE.match(term))
