"""The catalogue's facet index: what the filters and facet counts need of every live challenge, kept as a few
NumPy columns in the shared cache, so that a render never scans the catalogue in the database.

An uncached catalogue page used to run four grouped counts and a count over all live challenges (cost growing with
the catalogue). Now the filters and the counts are vector operations over these columns (microseconds for 10,000
challenges), the page of results is the only query on the challenge table, and the index is *maintained*: a
publish, unpublish, delete or outcome patches the changed challenge's row (`refresh`) instead of rebuilding it.
The index is also rebuilt when it is older than INDEX_MAX_AGE (anything a signal did not report heals then) and
when it is missing from the cache (one process builds it, under a short lock).

The filter semantics are those of `filters.ChallengeFilter` (which the open-data export applies in SQL); the
catalogue tests check both give the same challenges.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from portal.accounts.models import Organisation
from portal.core.models import Theme
from portal.geo.models import Prefecture

from .filters import end_of_day_jst
from .status import ChallengeStatus

INDEX_MAX_AGE = 600  # seconds
LOCK_SECONDS = 30
STATUSES = [s.value for s in ChallengeStatus]
_OUTCOMES = {"": 0, ChallengeStatus.MATCHED.value: 1, ChallengeStatus.NO_MATCH.value: 2}
_COLUMNS = (
    "pk",
    "first_published_at",
    "application_opens",
    "application_closes",
    "outcome",
    "municipality_id",
    "municipality__local_government__prefecture_id",
    "budget_min_yen",
    "budget_max_yen",
    "live_revision_id",
)
# Built indexes of this process, by key, with the token they were stored under: a render fetches the small token,
# not the index, when nothing changed.
_memo: dict[str, tuple[str, FacetIndex]] = {}


def _ts(value) -> float:
    return value.timestamp() if value is not None else -np.inf


def _num(value) -> float:
    return float(value) if value is not None else np.nan


@dataclass
class FacetIndex:
    pk: np.ndarray  # int64
    published: np.ndarray  # float64 timestamps (-inf: never)
    opens: np.ndarray
    closes: np.ndarray
    outcome: np.ndarray  # int8: 0 undecided, 1 matched, 2 no match
    muni: np.ndarray  # int64 municipality pk
    pref: np.ndarray  # int64 position in `pref_codes`, -1 none
    budget_min: np.ndarray  # float64, nan: not stated
    budget_max: np.ndarray
    themes: np.ndarray  # uint64 bit mask over `theme_ids`
    revision: np.ndarray  # int64 live revision (0: none): a result card's version (catalogue.cards)
    muni_code: np.ndarray  # int64 position of `muni` in `muni_ids` (the municipality counts are one bincount)
    muni_ids: np.ndarray  # int64 the municipalities' pks, sorted
    # The rows in the catalogue's two orders (filters.SORTS), sorted when the index is built or patched rather
    # than on every render: a page's results are these with the unselected rows left out.
    newest: np.ndarray  # int64 row positions by -first_published_at, -pk
    deadline: np.ndarray  # int64 row positions by application_closes, pk
    theme_ids: list[int]
    theme_slugs: list[str]
    pref_codes: list[str]
    muni_slugs: dict[int, str]
    # Names in each language: {"ja": {"theme": [(pk, slug, name) in the themes' order], "prefecture": {code: name},
    # "municipality": {pk: name}}, "en": …}
    labels: dict = field(default_factory=dict)
    built_at: float = field(default_factory=time.time)
    # (from, until, statuses): the rows' statuses, the same for every instant in [from, until) (see `status`).
    _status: tuple | None = field(default=None, init=False, repr=False, compare=False)

    # --- building and patching ---------------------------------------------------------------------------------

    @classmethod
    def build(cls, queryset) -> FacetIndex:
        rows = list(queryset.order_by().values_list(*_COLUMNS))
        links = queryset.model.themes.through.objects.filter(
            challengepage__in=queryset.values("pk")
        ).values_list("challengepage_id", "theme_id")
        themes = sorted(Theme.objects.values_list("pk", "slug"))[:64]
        pref_codes = sorted({r[6] for r in rows if r[6] is not None})
        index = cls._from_rows(rows, _theme_masks(links, [t[0] for t in themes]), themes, pref_codes, {})
        index.labels = _labels(index.pref_codes, list(index.muni_slugs), {})
        return index

    @classmethod
    def _from_rows(cls, rows, masks, themes, pref_codes, muni_slugs) -> FacetIndex:
        missing = {r[5] for r in rows} - set(muni_slugs)
        if missing:
            muni_slugs = {
                **muni_slugs,
                **dict(Organisation.objects.filter(pk__in=missing).values_list("pk", "slug")),
            }
        pref_pos = {code: i for i, code in enumerate(pref_codes)}
        pk = np.array([r[0] for r in rows], dtype=np.int64)
        published = np.array([_ts(r[1]) for r in rows], dtype=np.float64)
        closes = np.array([_ts(r[3]) for r in rows], dtype=np.float64)
        muni = np.array([r[5] for r in rows], dtype=np.int64)
        muni_ids = np.unique(muni)
        return cls(
            pk=pk,
            published=published,
            opens=np.array([_ts(r[2]) for r in rows], dtype=np.float64),
            closes=closes,
            outcome=np.array([_OUTCOMES.get(r[4], 0) for r in rows], dtype=np.int8),
            muni=muni,
            pref=np.array([pref_pos.get(r[6], -1) for r in rows], dtype=np.int64),
            budget_min=np.array([_num(r[7]) for r in rows], dtype=np.float64),
            budget_max=np.array([_num(r[8]) for r in rows], dtype=np.float64),
            themes=np.array([masks.get(r[0], 0) for r in rows], dtype=np.uint64),
            revision=np.array([r[9] or 0 for r in rows], dtype=np.int64),
            muni_code=np.searchsorted(muni_ids, muni).astype(np.int64),
            muni_ids=muni_ids,
            newest=_newest(pk, published),
            deadline=_deadline(pk, closes),
            theme_ids=[t[0] for t in themes],
            theme_slugs=[t[1] for t in themes],
            pref_codes=pref_codes,
            muni_slugs=muni_slugs,
        )

    def patched(self, queryset, pks: list[int]) -> FacetIndex:
        """This index with the rows of `pks` re-read from `queryset` (dropped when no longer in it)."""
        rows = list(queryset.filter(pk__in=pks).order_by().values_list(*_COLUMNS))
        links = queryset.model.themes.through.objects.filter(challengepage__in=pks).values_list(
            "challengepage_id", "theme_id"
        )
        pref_codes = sorted(set(self.pref_codes) | {r[6] for r in rows if r[6] is not None})
        themes = list(zip(self.theme_ids, self.theme_slugs, strict=True))
        fresh = FacetIndex._from_rows(
            rows, _theme_masks(links, self.theme_ids), themes, pref_codes, self.muni_slugs
        )
        keep = ~np.isin(self.pk, np.array(pks, dtype=np.int64))
        remap = np.array([pref_codes.index(c) for c in self.pref_codes] + [-1], dtype=np.int64)
        old_pref = remap[self.pref[keep]]  # -1 indexes the appended -1
        pk = np.concatenate([self.pk[keep], fresh.pk])
        published = np.concatenate([self.published[keep], fresh.published])
        closes = np.concatenate([self.closes[keep], fresh.closes])
        muni = np.concatenate([self.muni[keep], fresh.muni])
        muni_ids = np.union1d(self.muni_ids, fresh.muni_ids)
        patched = FacetIndex(
            pk=pk,
            published=published,
            opens=np.concatenate([self.opens[keep], fresh.opens]),
            closes=closes,
            outcome=np.concatenate([self.outcome[keep], fresh.outcome]),
            muni=muni,
            pref=np.concatenate([old_pref, fresh.pref]),
            budget_min=np.concatenate([self.budget_min[keep], fresh.budget_min]),
            budget_max=np.concatenate([self.budget_max[keep], fresh.budget_max]),
            themes=np.concatenate([self.themes[keep], fresh.themes]),
            revision=np.concatenate([self.revision[keep], fresh.revision]),
            muni_code=np.searchsorted(muni_ids, muni).astype(np.int64),
            muni_ids=muni_ids,
            newest=_newest(pk, published),
            deadline=_deadline(pk, closes),
            theme_ids=self.theme_ids,
            theme_slugs=self.theme_slugs,
            pref_codes=pref_codes,
            muni_slugs=fresh.muni_slugs,
            # A patch re-reads a few rows: the names (labels) and whatever no signal reported are as old as the
            # last full build, which INDEX_MAX_AGE counts from.
            built_at=self.built_at,
        )
        patched.labels = _labels(pref_codes, list(fresh.muni_slugs), self.labels)
        return patched

    # --- reading -------------------------------------------------------------------------------------------------

    def status(self, now: float) -> np.ndarray:
        """Each row's position in STATUSES at `now` (the twin of status.derive_status). Read-only: the array is
        kept for the instants that give the same statuses (until the next window opens or closes), so the masks,
        counts and cards of one render work it out once."""
        kept = self._status
        if kept is not None and kept[0] <= now < kept[1]:
            return kept[2]
        out = np.where(now < self.opens, 0, np.where(now <= self.closes, 1, 2)).astype(np.int8)
        out[self.outcome == 1] = 3
        out[self.outcome == 2] = 4
        out.flags.writeable = False
        # The next change: a window opening (now reaches `opens`) or closing (now passes `closes`).
        until = min(
            float(self.opens[self.opens > now].min(initial=np.inf)),
            float(np.nextafter(self.closes[self.closes >= now].min(initial=np.inf), np.inf)),
        )
        self._status = (now, until, out)
        return out

    def versions(self, rows: np.ndarray, now: float) -> dict[int, tuple[int, str]]:
        """(live revision, status at `now`) of these rows (positions), by pk: what a result card shows changes
        with them."""
        status = self.status(now)[rows]
        return {
            int(self.pk[i]): (int(self.revision[i]), STATUSES[s]) for i, s in zip(rows, status, strict=True)
        }

    def facet_values(self, pks) -> dict[str, set[str]]:
        """The facet values (dependency names, see catalogue.dependency_keys) of these rows as indexed now."""
        rows = np.isin(self.pk, np.array(list(pks), dtype=np.int64))
        status = self.status(time.time())[rows]
        themes = set()
        for mask in self.themes[rows]:
            themes |= {slug for bit, slug in enumerate(self.theme_slugs) if int(mask) >> bit & 1}
        return {
            "theme": themes,
            "prefecture": {self.pref_codes[p] for p in self.pref[rows] if p >= 0},
            "municipality": {self.muni_slugs.get(int(m), "") for m in self.muni[rows]},
            "status": {STATUSES[s] for s in status},
        }

    def masks(self, cleaned: dict, keyword_pks, now: float) -> dict[str, np.ndarray]:
        """One boolean mask per active filter, keyed by the filter's name (statuses at `now`)."""
        out = {}
        if keyword_pks is not None:
            out["q"] = np.isin(self.pk, np.array(keyword_pks, dtype=np.int64))
        if cleaned.get("theme") is not None:
            theme = cleaned["theme"].pk
            bit = self.theme_ids.index(theme) if theme in self.theme_ids else None
            out["theme"] = (
                (self.themes >> np.uint64(bit)) & np.uint64(1) == 1
                if bit is not None
                else np.zeros(len(self.pk), bool)
            )
        if cleaned.get("prefecture") is not None:
            code = cleaned["prefecture"].pk
            pos = self.pref_codes.index(code) if code in self.pref_codes else -2
            out["prefecture"] = self.pref == pos
        if cleaned.get("municipality") is not None:
            out["municipality"] = self.muni == cleaned["municipality"].pk
        if cleaned.get("status"):
            out["status"] = self.status(now) == STATUSES.index(cleaned["status"])
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        with np.errstate(invalid="ignore"):
            if low is not None:
                out["budget_min"] = (self.budget_max >= float(low)) | (
                    np.isnan(self.budget_max) & ~np.isnan(self.budget_min)
                )
            if high is not None:
                out["budget_max"] = (self.budget_min <= float(high)) | (
                    np.isnan(self.budget_min) & ~np.isnan(self.budget_max)
                )
        if cleaned.get("deadline_before"):
            out["deadline_before"] = self.closes <= end_of_day_jst(cleaned["deadline_before"]).timestamp()
        return out

    def all_but(self, masks: dict, name: str | None) -> np.ndarray:
        selected = np.ones(len(self.pk), bool)
        for key, mask in masks.items():
            if key != name:
                selected &= mask
        return selected

    def ordered_rows(self, selected: np.ndarray, sort: str) -> np.ndarray:
        """The selected rows (positions) in the catalogue's order (filters.SORTS)."""
        order = self.deadline if sort == "deadline" else self.newest
        return order[selected[order]]

    def counts(self, masks: dict, now: float) -> dict[str, dict]:
        """Per facet: value → number of challenges with the other filters applied (at `now`)."""
        out: dict[str, dict] = {}
        sel = self.all_but(masks, "theme")
        chosen = self.themes[sel]
        out["theme"] = {
            tid: int(np.count_nonzero((chosen >> np.uint64(bit)) & np.uint64(1)))
            for bit, tid in enumerate(self.theme_ids)
        }
        sel = self.all_but(masks, "prefecture")
        prefs = self.pref[sel]
        by_pref = np.bincount(prefs[prefs >= 0], minlength=len(self.pref_codes))
        out["prefecture"] = {self.pref_codes[i]: int(n) for i, n in enumerate(by_pref) if n}
        by_muni = np.bincount(
            self.muni_code[self.all_but(masks, "municipality")], minlength=len(self.muni_ids)
        )
        found = np.flatnonzero(by_muni)
        out["municipality"] = dict(zip(self.muni_ids[found].tolist(), by_muni[found].tolist(), strict=True))
        by_status = np.bincount(self.status(now)[self.all_but(masks, "status")], minlength=len(STATUSES))
        out["status"] = {s: int(by_status[i]) for i, s in enumerate(STATUSES)}
        return out


def _newest(pk: np.ndarray, published: np.ndarray) -> np.ndarray:
    return np.lexsort((-pk, -published)).astype(np.int64)


def _deadline(pk: np.ndarray, closes: np.ndarray) -> np.ndarray:
    return np.lexsort((pk, closes)).astype(np.int64)


def _labels(pref_codes, muni_pks, known: dict) -> dict:
    """The facet values' names in every language, reusing `known` (only new prefectures and municipalities are
    read; themes are re-read, a handful of rows)."""
    themes = list(Theme.objects.all())
    prefectures = [
        c for c in pref_codes if c not in known.get(settings.LANGUAGE_CODE, {}).get("prefecture", {})
    ]
    municipalities = [
        m for m in muni_pks if m not in known.get(settings.LANGUAGE_CODE, {}).get("municipality", {})
    ]
    new_prefs = list(Prefecture.objects.filter(code__in=prefectures)) if prefectures else []
    new_munis = list(Organisation.objects.filter(pk__in=municipalities)) if municipalities else []
    out = {}
    for lang, _name in settings.LANGUAGES:
        with translation.override(lang):
            old = known.get(lang, {})
            out[lang] = {
                "theme": [(t.pk, t.slug, str(t)) for t in themes],
                "prefecture": {**old.get("prefecture", {}), **{p.code: str(p) for p in new_prefs}},
                "municipality": {**old.get("municipality", {}), **{o.pk: str(o) for o in new_munis}},
            }
    return out


def _theme_masks(links, theme_ids) -> dict[int, int]:
    bits = {tid: bit for bit, tid in enumerate(theme_ids)}
    masks: dict[int, int] = {}
    for challenge, theme in links:
        if theme in bits:
            masks[challenge] = masks.get(challenge, 0) | (1 << bits[theme])
    return masks


# --- the shared copy ---------------------------------------------------------------------------------------------


def _keys(base_key: str) -> tuple[str, str, str]:
    return (
        f"challenges:index:v3:{base_key}",  # v3: with the sort orders and municipality codes
        f"challenges:index-token:v3:{base_key}",
        f"challenges:index-lock:v3:{base_key}",
    )


def _enabled() -> bool:
    return int(getattr(settings, "CHALLENGES_CACHE_SECONDS", 60)) > 0


def get(queryset, *, base_key: str) -> FacetIndex:
    """The facet index of `queryset` (the live challenges of one catalogue): this process's copy when the shared
    token says it is current, else the shared copy, else built here (by one process; the others keep using what
    they have while it is rebuilt)."""
    if not _enabled():
        return FacetIndex.build(queryset)
    key, token_key, lock_key = _keys(base_key)
    token = cache.get(token_key)
    memo = _memo.get(key)
    if token is not None and memo is not None and memo[0] == token:
        index = memo[1]
    else:
        found = cache.get(key) if token is not None else None
        index = found[1] if found is not None and found[0] == token else None
    if index is not None and time.time() - index.built_at < INDEX_MAX_AGE:
        _memo[key] = (token, index)
        return index
    if index is not None and not cache.add(lock_key, 1, LOCK_SECONDS):
        return index  # another process is rebuilding it; this one is at most INDEX_MAX_AGE old
    try:
        index = FacetIndex.build(queryset)
        _store(key, token_key, index)
    finally:
        cache.delete(lock_key)
    return index


def _store(key, token_key, index) -> None:
    token = uuid.uuid4().hex
    cache.set(key, (token, index), None)
    cache.set(token_key, token, None)
    _memo[key] = (token, index)


def refresh(queryset, *, base_key: str, pks: list[int]) -> dict[str, set[str]] | None:
    """Re-read the rows of `pks` into the shared index. Returns the facet values they had before and have now
    (what cached pages depend on), or None when they are unknown (no index, or another process was patching it:
    then the index is dropped and rebuilt by the next visitor)."""
    if not _enabled():
        return None
    key, token_key, lock_key = _keys(base_key)
    if not cache.add(lock_key, 1, LOCK_SECONDS):
        cache.delete_many([key, token_key])
        return None
    try:
        found = cache.get(key)
        if found is None or found[0] != cache.get(token_key):
            return None
        before = found[1]
        after = before.patched(queryset, pks)
        _store(key, token_key, after)
    finally:
        cache.delete(lock_key)
    old, new = before.facet_values(pks), after.facet_values(pks)
    return {name: old[name] | new[name] for name in old}
