"""The six factors of a (startup, challenge) pair, each in [0, 1], computed for whole blocks of pairs at once.

Every factor is a matrix product over sparse matrices, a stored matrix or a table look-up, so the same definitions
serve three paths: a block of startups × all challenges (the full score matrix), a list of pairs (breakdowns for the
output), and one edited startup (re-scoring in milliseconds).

    text          semantic relevance of the challenge's title + description and the startup's description + track
                  record: where both have a stored sentence embedding, 0.6 · its cosine (the embeddings centred on
                  the run's mean) + 0.4 · the cosine of their word-vector document vectors (semantic.py); elsewhere
                  ½ · document cosine + ½ · the IDF-weighted best match of content-word lemmas through pretrained
                  word vectors, both directions; each part mapped to [0, 1] by one monotone calibration for the
                  whole run. Application texts are intent, not evidence of fit: they are not part of it.
    themes        |C ∩ S| / sqrt(|C| |S|) over normalised theme names (Ochiai coefficient)
    travel        1 / (1 + round-trip estimate / ¥50,000), prefecture office → municipality
    track_record  mean over the challenge's themes of the startup's experience in that theme, where experience is
                  1 − Π (1 − w_outcome) over its records with that theme (poc 0.5, contract 0.8, deployment 1.0)
    stage         a fit table between the challenge's stage and the startup's (0.5 when either is unknown)
    preference    both sides' preferences, for applications only: ½ · the startup's own ranking (第1希望 1.0,
                  第2希望 0.8, 第3希望 0.6, unranked 0.5) + ½ · the municipality's grade mapped from −1…+1 to 0…1
                  (shortlisted without a grade = +0.5, not graded = 0, i.e. 0.5); 0 for a startup that did not apply
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .problem import (
    CHALLENGE_STAGES,
    EMBEDDING_DIMENSIONS,
    FACTORS,
    STARTUP_STAGES,
    Problem,
    ProblemError,
    Startup,
)
from .semantic import CENTRING_PRIOR, SemanticText
from .text import rowwise_dot
from .travel import TravelModel, default_travel_model, travel_value
from .vectors import WordVectors

OUTCOME_WEIGHT = {"poc": 0.5, "contract": 0.8, "deployment": 1.0}
RANK_VALUE = {1: 1.0, 2: 0.8, 3: 0.6, None: 0.5}  # the startup's own ranking of its applications
SHORTLISTED_GRADE = 0.5  # a shortlisted applicant that the municipality did not grade
# the text factor (docs/matching.md, "Text relevance"), each part calibrated once per run:
SENTENCE_WEIGHT = (
    0.6  # where both texts have a stored embedding: this share of sentence cosine, the rest document cosine
)
DOCUMENT_WEIGHT = 0.5  # elsewhere: this share of document cosine, the rest best-match word relevance
# rows: startup stage seed, early, growth, established, unknown; columns: challenge stage idea, poc, product, unknown
STAGE_FIT = np.array(
    [
        [1.0, 0.6, 0.2, 0.5],
        [0.8, 1.0, 0.6, 0.5],
        [0.5, 1.0, 1.0, 0.5],
        [0.4, 0.7, 1.0, 0.5],
        [0.5, 0.5, 0.5, 0.5],
    ],
    dtype=np.float32,
)
BLOCK_CELLS = 4_000_000  # pairs per block when building the full matrix (bounds the working memory)


def challenge_text(challenge) -> str:
    return f"{challenge.title}\n{challenge.description}"


def startup_text(startup: Startup) -> str:
    """The startup's description plus its track record's titles and themes (what it has shown it can do)."""
    records = [
        "、".join(part for part in (record.title, *record.themes) if part) for record in startup.track_record
    ]
    records = [line for line in records if line]
    return "\n".join([startup.description, *records]) if records else startup.description


def preference_value(application) -> float:
    """Both sides' preferences for one application, in [0, 1] (see the module docstring)."""
    grade = application.grade
    if grade is None:
        grade = SHORTLISTED_GRADE if application.shortlisted else 0.0
    return 0.5 * RANK_VALUE.get(application.preference, 0.5) + 0.5 * (grade + 1.0) / 2.0


def _label(kind: str, position: int, item) -> str:
    ident = f'"{item.id}"' if isinstance(item.id, str) else repr(item.id)
    return f"{kind}[{position}] (id {ident})"


class Scorer:
    """Feature matrices for one problem; scores blocks, pairs and single edited startups.

    Raises `ProblemError` when a municipality or prefecture code is missing from the geo data.
    """

    def __init__(
        self, problem: Problem, travel_model: TravelModel | None = None, vectors: WordVectors | None = None
    ) -> None:
        self.problem = problem
        self.travel_model = travel_model or default_travel_model()
        self.weights = problem.weights.normalised()
        self.startup_index = {s.id: i for i, s in enumerate(problem.startups)}
        self.challenge_index = {c.id: j for j, c in enumerate(problem.challenges)}
        self.n_startups, self.n_challenges = len(problem.startups), len(problem.challenges)
        self.startups = list(problem.startups)

        # text: semantic relevance, the run's raw matrix calibrated once to [0, 1]
        self.semantic = SemanticText(
            [challenge_text(c) for c in problem.challenges],
            [startup_text(s) for s in problem.startups],
            vectors=vectors,
        )
        nc, ns = self.n_challenges, self.n_startups
        self.text = np.empty((ns, nc), dtype=np.float32)
        step = max(1, BLOCK_CELLS // max(1, nc))
        for start in range(0, ns, step):
            rows = np.arange(start, min(ns, start + step))
            self.text[rows] = self.semantic.raw(rows)
        self.semantic.calibrate(self.text)
        self.text = self.semantic.calibrated(self.text)
        self._set_embeddings()
        for start in range(0, ns, step):
            rows = np.arange(start, min(ns, start + step))
            self.text[rows] = self._blend(rows, self.text[rows])
        self.applications_by_startup: dict[int, list[int]] = {}
        for row, application in enumerate(problem.applications):
            self.applications_by_startup.setdefault(self.startup_index[application.startup], []).append(row)

        # themes: columns are the challenges' themes only (a startup theme no challenge has cannot overlap)
        self.theme_index: dict[str, int] = {}
        for challenge in problem.challenges:
            for theme in challenge.themes:
                self.theme_index.setdefault(theme, len(self.theme_index))
        self.Tc_ochiai = self._theme_rows([c.themes for c in problem.challenges], power=0.5)
        self.Tc_mean = self._theme_rows([c.themes for c in problem.challenges], power=1.0)
        self.Tc_ochiai_T = sp.csc_matrix(self.Tc_ochiai.T)
        self.Tc_mean_T = sp.csc_matrix(self.Tc_mean.T)

        # stage
        self.challenge_stage = np.array(
            [CHALLENGE_STAGES.index(c.stage) if c.stage else 3 for c in problem.challenges], dtype=np.int64
        )

        # travel: one cost per (prefecture, municipality) pair present
        self.municipalities: list[str] = []
        muni_column: dict[str, int] = {}
        self.challenge_muni = np.zeros(nc, dtype=np.int64)
        self._muni_places = []
        for j, challenge in enumerate(problem.challenges):
            code = challenge.municipality_code
            if code not in muni_column:
                place = self.travel_model.municipality_place(code)
                if place is None:
                    raise ProblemError(
                        f"{_label('challenges', j, challenge)}: municipality_code {code!r} is not in the geo data"
                    )
                muni_column[code] = len(self.municipalities)
                self.municipalities.append(code)
                self._muni_places.append(place)
            self.challenge_muni[j] = muni_column[code]
        self._cost_rows: dict[str, np.ndarray] = {}

        # per-startup features (rebuilt row by row on re-scoring)
        self.Ts_ochiai = self._theme_rows([s.themes for s in problem.startups], power=0.5)
        self.P = self._experience_rows(problem.startups)
        self.startup_stage = np.array([self._stage_of(s) for s in problem.startups], dtype=np.int64)
        self.startup_pref: list[str] = []
        for i, startup in enumerate(problem.startups):
            self._cost_row(startup.prefecture_code, where=_label("startups", i, startup))
            self.startup_pref.append(startup.prefecture_code)
        self._refresh_pref_table()

        # applications: both sides' preferences
        si, cj, values = self._application_values(np.arange(len(problem.applications)))
        self.preference = sp.csr_matrix((values, (si, cj)), shape=(ns, nc))

    # --- sentence embeddings ------------------------------------------------------------------------------------

    def _set_embeddings(self) -> None:
        """Stack the stored embeddings (zeros where missing), centre them on the run's one mean and fit the run's
        one calibration of their cosines.

        A small sentence model's embeddings share a large common direction (on the labelled set the median pair's
        E5 cosine is 0.83, its 99.5th percentile 0.88). The mean of the run's embeddings — challenges and startups
        together, shrunk towards 0 by `CENTRING_PRIOR` texts' worth of zero like the document vectors' means — is
        subtracted and each vector made unit length again, so the cosine measures what two texts share beyond what
        every text of the run shares. The mean is fitted once per run and kept (`sentence_mean`): re-scoring an
        edited profile centres its new embedding on the same mean.
        """
        self.Ec, self.has_c = _stack([c.embedding for c in self.problem.challenges])
        self.Es, self.has_s = _stack([s.embedding for s in self.startups])
        present = int(self.has_c.sum() + self.has_s.sum())
        total = self.Ec.sum(axis=0, dtype=np.float64) + self.Es.sum(axis=0, dtype=np.float64)
        self.sentence_mean = (total / (present + CENTRING_PRIOR)).astype(np.float32)
        self.Ec = self._centred(self.Ec, self.has_c)
        self.Es = self._centred(self.Es, self.has_s)
        self.sentence_lo, self.sentence_hi = 0.0, 1.0
        si, cj = np.nonzero(self.has_s)[0], np.nonzero(self.has_c)[0]
        if not si.size or not cj.size:
            return
        # about 400,000 pairs: a random sample of startups (without replacement) against every challenge
        rows = max(1, min(si.size, 400_000 // cj.size))
        sample = np.sort(np.random.default_rng(0).choice(si, rows, replace=False))
        cosines = self.Es[sample] @ self.Ec[cj].T
        lo, hi = np.quantile(cosines, [0.5, 0.995])
        self.sentence_lo, self.sentence_hi = float(lo), float(max(hi, lo + 1e-6))

    def _centred(self, matrix: np.ndarray, has: np.ndarray) -> np.ndarray:
        """Rows minus the run's `sentence_mean`, unit length again; rows without an embedding stay zero (in place)."""
        matrix -= self.sentence_mean
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        matrix /= norms
        matrix[~has] = 0.0
        return matrix

    def _blend(self, rows: np.ndarray, words: np.ndarray) -> np.ndarray:
        """The text factor of startups `rows` from their calibrated best-match word relevance `words`: where both
        the startup and the challenge have an embedding, SENTENCE_WEIGHT · sentence cosine + the rest · document
        cosine; elsewhere DOCUMENT_WEIGHT · document cosine + the rest · `words` (all three calibrated)."""
        documents = self.semantic.documents(rows)
        fallback = (1.0 - DOCUMENT_WEIGHT) * words + DOCUMENT_WEIGHT * documents
        if not self.has_s[rows].any() or not self.has_c.any():
            return fallback.astype(np.float32)
        sentence = self.Es[rows] @ self.Ec.T
        sentence -= np.float32(self.sentence_lo)
        sentence /= np.float32(self.sentence_hi - self.sentence_lo)
        np.clip(sentence, 0.0, 1.0, out=sentence)
        both = self.has_s[rows][:, np.newaxis] & self.has_c[np.newaxis, :]
        mixed = (1.0 - SENTENCE_WEIGHT) * documents + SENTENCE_WEIGHT * sentence
        return np.where(both, mixed, fallback).astype(np.float32)

    # --- feature construction -------------------------------------------------------------------------------------

    def _theme_rows(self, theme_lists, power: float) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for r, themes in enumerate(theme_lists):
            if not themes:
                continue
            weight = 1.0 / (len(themes) ** power)
            for theme in themes:
                column = self.theme_index.get(theme)
                if column is not None:
                    rows.append(r)
                    cols.append(column)
                    vals.append(weight)
        return sp.csr_matrix(
            (np.array(vals, np.float32), (rows, cols)), shape=(len(theme_lists), len(self.theme_index))
        )

    def _experience_rows(self, startups) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for r, startup in enumerate(startups):
            miss: dict[int, float] = {}
            for record in startup.track_record:
                for theme in record.themes:
                    column = self.theme_index.get(theme)
                    if column is not None:
                        miss[column] = miss.get(column, 1.0) * (1.0 - OUTCOME_WEIGHT[record.outcome])
            for column, remaining in miss.items():
                rows.append(r)
                cols.append(column)
                vals.append(1.0 - remaining)
        return sp.csr_matrix(
            (np.array(vals, np.float32), (rows, cols)), shape=(len(startups), len(self.theme_index))
        )

    @staticmethod
    def _stage_of(startup: Startup) -> int:
        return STARTUP_STAGES.index(startup.stage) if startup.stage else 4

    def _cost_row(self, prefecture: str, where: str = "startup") -> np.ndarray:
        row = self._cost_rows.get(prefecture)
        if row is None:
            origin = self.travel_model.prefecture_place(prefecture)
            if origin is None:
                raise ProblemError(f"{where}: prefecture_code {prefecture!r} is not in the geo data")
            row = np.array(
                [self.travel_model.cost_yen(origin, place) for place in self._muni_places], dtype=np.int64
            )
            self._cost_rows[prefecture] = row
        return row

    def _refresh_pref_table(self) -> None:
        self._prefs = sorted(self._cost_rows)
        pref_position = {p: k for k, p in enumerate(self._prefs)}
        self.cost_table = (
            np.vstack([self._cost_rows[p] for p in self._prefs]) if self._prefs else np.zeros((0, 0))
        )
        self.travel_table = travel_value(self.cost_table)
        self.startup_pref_row = np.array([pref_position[p] for p in self.startup_pref], dtype=np.int64)

    def _application_values(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For the application rows given: startup rows, challenge columns and preference values."""
        applications = self.problem.applications
        rows = np.asarray(rows, dtype=np.int64)
        si = np.array([self.startup_index[applications[r].startup] for r in rows], dtype=np.int64)
        cj = np.array([self.challenge_index[applications[r].challenge] for r in rows], dtype=np.int64)
        values = np.array([preference_value(applications[r]) for r in rows], dtype=np.float32)
        return si, cj, values

    # --- scoring --------------------------------------------------------------------------------------------------

    def block_factors(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Factor values for startups `rows` × every challenge: {factor: array (len(rows), n_challenges)}."""
        return {
            "text": self.text[rows],
            "themes": (self.Ts_ochiai[rows] @ self.Tc_ochiai_T).toarray().astype(np.float32),
            "travel": self.travel_table[self.startup_pref_row[rows]][:, self.challenge_muni],
            "track_record": np.minimum(1.0, (self.P[rows] @ self.Tc_mean_T).toarray()).astype(np.float32),
            "stage": STAGE_FIT[self.startup_stage[rows]][:, self.challenge_stage],
            "preference": self.preference[rows].toarray(),
        }

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """Weighted total for startups `rows` × every challenge (float32).

        The same definitions as `block_factors`, fused in place: one dense block is the whole working memory, and
        no temporary is made per factor (this loop is most of the scoring time on large runs).
        """
        w = {name: np.float32(value) for name, value in self.weights.items()}
        total = self.text[rows] * w["text"]
        if w["themes"]:
            total += ((self.Ts_ochiai[rows] @ self.Tc_ochiai_T) * w["themes"]).toarray()
        if w["track_record"]:
            track = (self.P[rows] @ self.Tc_mean_T).toarray()
            np.minimum(track, np.float32(1.0), out=track)
            track *= w["track_record"]
            total += track
        if w["travel"]:
            total += (self.travel_table * w["travel"]).astype(np.float32)[self.startup_pref_row[rows]][
                :, self.challenge_muni
            ]
        if w["stage"]:
            total += (STAGE_FIT * w["stage"])[self.startup_stage[rows]][:, self.challenge_stage]
        if w["preference"]:
            total += (self.preference[rows] * w["preference"]).toarray()
        return total

    def score_matrix(self) -> np.ndarray:
        """The full startups × challenges score matrix, built block by block."""
        scores = np.empty((self.n_startups, self.n_challenges), dtype=np.float32)
        step = max(1, BLOCK_CELLS // max(1, self.n_challenges))
        for start in range(0, self.n_startups, step):
            rows = np.arange(start, min(self.n_startups, start + step))
            scores[rows] = self.block_scores(rows)
        return scores

    def pair_factors(self, si: np.ndarray, cj: np.ndarray) -> dict[str, np.ndarray]:
        """Factor values for the pairs (si[k], cj[k]) — the same definitions as `block_factors`."""
        si, cj = np.asarray(si, dtype=np.int64), np.asarray(cj, dtype=np.int64)
        if si.size == 0:
            return {name: np.zeros(0, np.float32) for name in FACTORS}
        return {
            "text": self.text[si, cj],
            "themes": rowwise_dot(self.Ts_ochiai[si], self.Tc_ochiai[cj]),
            "travel": self.travel_table[self.startup_pref_row[si], self.challenge_muni[cj]],
            "track_record": np.minimum(1.0, rowwise_dot(self.P[si], self.Tc_mean[cj])),
            "stage": STAGE_FIT[self.startup_stage[si], self.challenge_stage[cj]],
            "preference": np.asarray(self.preference[si, cj], dtype=np.float32).ravel(),
        }

    def pair_costs(self, si: np.ndarray, cj: np.ndarray) -> np.ndarray:
        """Estimated round-trip travel cost in yen for each pair."""
        return self.cost_table[self.startup_pref_row[np.asarray(si)], self.challenge_muni[np.asarray(cj)]]

    def combine(self, factors: dict[str, np.ndarray]) -> np.ndarray:
        """Weighted total of factor arrays (the score)."""
        total: np.ndarray | None = None
        for name in FACTORS:
            part = np.float32(self.weights[name]) * factors[name]
            total = part if total is None else total + part
        assert total is not None  # FACTORS is never empty
        return total

    # --- re-scoring -----------------------------------------------------------------------------------------------

    def update_startup(self, startup: Startup) -> np.ndarray:
        """Replace one startup's profile (same id) and return its new score row over all challenges.

        The text keeps the run's IDF and calibration (a word new to the run counts as rare), so the row is comparable
        with the rest of the matrix. Its applications and their preferences are kept.
        """
        i = self.startup_index.get(startup.id)
        if i is None:
            raise ProblemError(f"startup id {startup.id!r} is not in this run")
        self.startups[i] = startup
        self.has_s[i] = startup.embedding is not None
        self.Es[i] = 0.0
        if startup.embedding is not None:  # centred on the run's mean, as when the run was built
            self.Es[i] = startup.embedding
            self.Es[i : i + 1] = self._centred(self.Es[i : i + 1], self.has_s[i : i + 1])
        words = self.semantic.calibrated(self.semantic.replace_startup(i, startup_text(startup)))
        self.text[i] = self._blend(np.array([i]), words[np.newaxis, :])[0]
        self.Ts_ochiai = _replace_row(self.Ts_ochiai, i, self._theme_rows([startup.themes], power=0.5))
        self.P = _replace_row(self.P, i, self._experience_rows([startup]))
        self.startup_stage[i] = self._stage_of(startup)
        if startup.prefecture_code not in self._cost_rows:
            self._cost_row(startup.prefecture_code, where=f"startup {startup.id!r}")
            self.startup_pref[i] = startup.prefecture_code
            self._refresh_pref_table()
        else:
            self.startup_pref[i] = startup.prefecture_code
            self.startup_pref_row[i] = self._prefs.index(startup.prefecture_code)
        return self.block_scores(np.array([i]))[0]


def _stack(embeddings) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings as one float32 matrix (zero rows where missing) and a mask of the rows that have one."""
    has = np.array([e is not None for e in embeddings], dtype=bool)
    matrix = np.zeros((len(embeddings), EMBEDDING_DIMENSIONS), dtype=np.float32)
    for k, embedding in enumerate(embeddings):
        if embedding is not None:
            matrix[k] = embedding
    return matrix, has


def _replace_row(matrix: sp.csr_matrix, i: int, row: sp.csr_matrix) -> sp.csr_matrix:
    """A copy of CSR `matrix` with row i replaced, by splicing its arrays (a few memcpy, no format conversion)."""
    row = sp.csr_matrix(row, dtype=matrix.dtype)
    start, end = matrix.indptr[i], matrix.indptr[i + 1]
    data = np.concatenate([matrix.data[:start], row.data, matrix.data[end:]])
    indices = np.concatenate(
        [matrix.indices[:start], row.indices.astype(matrix.indices.dtype), matrix.indices[end:]]
    )
    indptr = matrix.indptr.copy()
    indptr[i + 1 :] += row.nnz - (end - start)
    return sp.csr_matrix((data, indices, indptr), shape=matrix.shape)
