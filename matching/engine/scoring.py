"""The six factors of a (startup, challenge) pair, each in [0, 1], computed for whole blocks of pairs at once.

Every factor is either a bilinear form over sparse matrices or a table look-up, so the same definitions serve three
paths: a block of startups × all challenges (the full score matrix), a list of pairs (breakdowns for the output),
and one edited startup (re-scoring in milliseconds).

    text          cosine of TF-IDF rows (challenge title+description vs startup description + track-record themes;
                  for an applicant also with its application text, the better of the two), saturated at TEXT_SATURATION
    themes        |C ∩ S| / sqrt(|C| |S|) over normalised theme names (Ochiai coefficient)
    travel        1 / (1 + round-trip estimate / ¥50,000), prefecture office → municipality
    track_record  mean over the challenge's themes of the startup's experience in that theme, where experience is
                  1 − Π (1 − w_outcome) over its records with that theme (poc 0.5, contract 0.8, deployment 1.0)
    stage         a fit table between the challenge's stage and the startup's (0.5 when either is unknown)
    applied       1.0 shortlisted, 0.6 applied, 0 otherwise
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .problem import CHALLENGE_STAGES, FACTORS, STARTUP_STAGES, Problem, ProblemError, Startup
from .text import TfidfIndex, l2_normalise, rowwise_dot, saturate
from .travel import TravelModel, default_travel_model, travel_value

TEXT_SATURATION = 0.4  # a cosine of 0.4 between character-n-gram profiles is already a strong textual match
OUTCOME_WEIGHT = {"poc": 0.5, "contract": 0.8, "deployment": 1.0}
APPLIED_VALUE, SHORTLISTED_VALUE = 0.6, 1.0
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
    record_themes = "、".join(theme for record in startup.track_record for theme in record.themes)
    return f"{startup.description}\n{record_themes}" if record_themes else startup.description


def _label(kind: str, position: int, item) -> str:
    ident = f'"{item.id}"' if isinstance(item.id, str) else repr(item.id)
    return f"{kind}[{position}] (id {ident})"


class Scorer:
    """Feature matrices for one problem; scores blocks, pairs and single edited startups.

    Raises `ProblemError` when a municipality or prefecture code is missing from the geo data.
    """

    def __init__(self, problem: Problem, travel_model: TravelModel | None = None) -> None:
        self.problem = problem
        self.travel_model = travel_model or default_travel_model()
        self.weights = problem.weights.normalised()
        self.startup_index = {s.id: i for i, s in enumerate(problem.startups)}
        self.challenge_index = {c.id: j for j, c in enumerate(problem.challenges)}
        self.n_startups, self.n_challenges = len(problem.startups), len(problem.challenges)
        self.startups = list(problem.startups)

        # text
        self.tfidf = TfidfIndex()
        texts = [challenge_text(c) for c in problem.challenges] + [startup_text(s) for s in problem.startups]
        texts += [a.text for a in problem.applications]
        matrix = self.tfidf.fit_transform(texts)
        nc, ns = self.n_challenges, self.n_startups
        self.C = matrix[:nc]
        self.CT = sp.csc_matrix(self.C.T)
        self.S = sp.csr_matrix(matrix[nc : nc + ns])
        self._application_rows = matrix[nc + ns :]
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

        # applications: applied value and the text cosine with the application text included
        si, cj, applied, app_text = self._application_values(np.arange(len(problem.applications)))
        self.applied = sp.csr_matrix((applied, (si, cj)), shape=(ns, nc))
        self.application_text = sp.csr_matrix((app_text, (si, cj)), shape=(ns, nc))

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

    def _application_values(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For the application rows given: startup rows, challenge columns, applied values, and the text cosine of
        the challenge with the startup's profile plus its application text (vectorised)."""
        applications = self.problem.applications
        rows = np.asarray(rows, dtype=np.int64)
        si = np.array([self.startup_index[applications[r].startup] for r in rows], dtype=np.int64)
        cj = np.array([self.challenge_index[applications[r].challenge] for r in rows], dtype=np.int64)
        applied = np.array(
            [SHORTLISTED_VALUE if applications[r].shortlisted else APPLIED_VALUE for r in rows],
            dtype=np.float32,
        )
        if rows.size == 0:
            return si, cj, applied, np.zeros(0, dtype=np.float32)
        combined = l2_normalise(self._application_rows[rows] + self.S[si])
        cosines = np.maximum(rowwise_dot(combined, self.C[cj]), np.float32(1e-9))
        return si, cj, applied, cosines

    # --- scoring --------------------------------------------------------------------------------------------------

    def block_factors(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Factor values for startups `rows` × every challenge: {factor: array (len(rows), n_challenges)}."""
        text = (self.S[rows] @ self.CT).toarray()
        app_text = self.application_text[rows].toarray()
        text = saturate(np.maximum(text, app_text), TEXT_SATURATION)
        return {
            "text": text,
            "themes": (self.Ts_ochiai[rows] @ self.Tc_ochiai_T).toarray().astype(np.float32),
            "travel": self.travel_table[self.startup_pref_row[rows]][:, self.challenge_muni],
            "track_record": np.minimum(1.0, (self.P[rows] @ self.Tc_mean_T).toarray()).astype(np.float32),
            "stage": STAGE_FIT[self.startup_stage[rows]][:, self.challenge_stage],
            "preference": self.applied[rows].toarray(),
        }

    def block_scores(self, rows: np.ndarray) -> np.ndarray:
        """Weighted total for startups `rows` × every challenge (float32).

        The same definitions as `block_factors`, fused in place: one dense block is the whole working memory, and
        no temporary is made per factor (this loop is most of the scoring time on large runs).
        """
        w = {name: np.float32(value) for name, value in self.weights.items()}
        # text: min(1, max(cos, cos with application) / saturation) × weight = min(w, max(..) × w / saturation)
        total = (self.S[rows] @ self.CT).toarray()
        np.maximum(total, self.application_text[rows].toarray(), out=total)
        total *= w["text"] / np.float32(TEXT_SATURATION)
        np.minimum(total, w["text"], out=total)
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
            total += (self.applied[rows] * w["preference"]).toarray()
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
        text = rowwise_dot(self.S[si], self.C[cj])
        app_text = np.asarray(self.application_text[si, cj]).ravel()
        return {
            "text": saturate(np.maximum(text, app_text), TEXT_SATURATION),
            "themes": rowwise_dot(self.Ts_ochiai[si], self.Tc_ochiai[cj]),
            "travel": self.travel_table[self.startup_pref_row[si], self.challenge_muni[cj]],
            "track_record": np.minimum(1.0, rowwise_dot(self.P[si], self.Tc_mean[cj])),
            "stage": STAGE_FIT[self.startup_stage[si], self.challenge_stage[cj]],
            "preference": np.asarray(self.applied[si, cj], dtype=np.float32).ravel(),
        }

    def pair_costs(self, si: np.ndarray, cj: np.ndarray) -> np.ndarray:
        """Estimated round-trip travel cost in yen for each pair."""
        return self.cost_table[self.startup_pref_row[np.asarray(si)], self.challenge_muni[np.asarray(cj)]]

    def combine(self, factors: dict[str, np.ndarray]) -> np.ndarray:
        """Weighted total of factor arrays (the score)."""
        total = None
        for name in FACTORS:
            part = np.float32(self.weights[name]) * factors[name]
            total = part if total is None else total + part
        return total

    # --- re-scoring -----------------------------------------------------------------------------------------------

    def update_startup(self, startup: Startup) -> np.ndarray:
        """Replace one startup's profile (same id) and return its new score row over all challenges.

        The TF-IDF vocabulary and IDF stay those of the run (new words are ignored), so the row is comparable with
        the rest of the matrix. Its applications are kept and re-scored with the new profile.
        """
        i = self.startup_index.get(startup.id)
        if i is None:
            raise ProblemError(f"startup id {startup.id!r} is not in this run")
        self.startups[i] = startup
        self.S = _replace_row(self.S, i, self.tfidf.transform([startup_text(startup)]))
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
        if i in self.applications_by_startup:
            _, js, values, cosines = self._application_values(np.array(self.applications_by_startup[i]))
            shape = (1, self.n_challenges)
            zeros = np.zeros(len(js), dtype=np.int64)
            self.applied = _replace_row(self.applied, i, sp.csr_matrix((values, (zeros, js)), shape=shape))
            self.application_text = _replace_row(
                self.application_text, i, sp.csr_matrix((cosines, (zeros, js)), shape=shape)
            )
        return self.block_scores(np.array([i]))[0]


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
