"""Pretrained Japanese word vectors read from an installed PyPI package, with NumPy (and msgpack) alone.

The vectors are chiVe (Works Applications, Apache-2.0, trained on the 100-billion-character NWJC web corpus with
Sudachi's A-unit words) as pruned and packaged by GiNZA's `ja_ginza` model wheel (MIT): 480,443 words mapped onto
20,000 distinct 300-dimensional vectors. We read three files of that wheel's `vocab/` folder — `vectors` (a NumPy
`.npy` array), `key2row` (a msgpack map from a word's 64-bit hash to its row) — and never import spaCy or GiNZA:
the package is installed with `pip install --no-deps ja-ginza`, so none of its NLP pipeline is needed here.

A word's key is spaCy's string hash: MurmurHash64A (seed 1) of its UTF-8 bytes. Nothing is downloaded: when the
package is missing, `WordVectors.load()` raises `VectorsUnavailable` naming the install line.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

PACKAGE = "ja_ginza"
INSTALL_LINE = "pip install --no-deps 'ja-ginza==5.3.0'"
_MASK = 0xFFFFFFFFFFFFFFFF
_M = 0xC6A4A7935BD1E995


class VectorsUnavailable(RuntimeError):
    """The word-vector package is not installed (or not readable)."""


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A (Austin Appleby's 64-bit MurmurHash2) of `data`: the hash spaCy uses as a word's key."""
    h = (seed ^ (len(data) * _M)) & _MASK
    whole = len(data) // 8
    for i in range(whole):
        k = int.from_bytes(data[8 * i : 8 * i + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    tail = data[8 * whole :]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    h ^= h >> 47
    return h


def vocab_dir() -> Path:
    """The `vocab/` folder of the installed ja_ginza wheel, found without importing it (its __init__ imports spaCy)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise VectorsUnavailable(f"the Japanese word vectors are not installed: {INSTALL_LINE}")
    for location in spec.submodule_search_locations:
        for candidate in sorted(Path(location).glob("*/vocab")):
            if (candidate / "vectors").is_file() and (candidate / "key2row").is_file():
                return candidate
    raise VectorsUnavailable(f"{PACKAGE} has no vocab/vectors: reinstall it with {INSTALL_LINE}")


class WordVectors:
    """Unit-length word vectors: `rows(words)` gives each word's row (−1 when unknown), `unit[row]` its vector.

    Distinct words may share a row (the package keeps 20,000 vectors for 480,443 words, each word mapped to the
    nearest kept vector), so two words on one row are near-synonyms or inflections of each other.
    """

    def __init__(self, unit: np.ndarray, key2row: dict[int, int]) -> None:
        self.unit = unit
        self.key2row = key2row
        self._rows: dict[str, int] = {}

    @classmethod
    def load(cls) -> WordVectors:
        """Read the vectors from the installed package (about 0.2 s; cached per process by `default_vectors`)."""
        import msgpack

        folder = vocab_dir()
        matrix = np.load(folder / "vectors", allow_pickle=False).astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        with open(folder / "key2row", "rb") as handle:
            key2row = msgpack.unpackb(handle.read(), strict_map_key=False)
        return cls(matrix / norms, key2row)

    def row(self, *forms: str) -> int:
        """The row of the first of `forms` (surface, base form, lemma …) that has a vector, or −1."""
        for form in forms:
            if not form:
                continue
            row = self._rows.get(form)
            if row is None:
                row = self.key2row.get(murmurhash64a(form.encode("utf-8")), -1)
                if row < 0 and form.isascii() and form.lower() != form:
                    row = self.key2row.get(murmurhash64a(form.lower().encode("utf-8")), -1)
                self._rows[form] = row
            if row >= 0:
                return row
        return -1


@lru_cache(maxsize=1)
def default_vectors() -> WordVectors:
    """The package's vectors, loaded once per process."""
    return WordVectors.load()


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")
