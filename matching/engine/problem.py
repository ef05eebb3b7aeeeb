"""The engine's input: dataclasses for one matching problem and a strict loader for the open JSON format.

`load_problem(data)` validates a decoded JSON document (see docs/matching.md) and returns a `Problem`. Every error is a
`ProblemError` whose message names the item at fault (`startups[3] (id "s-17"): capacity must be ≥ 0`), so the command
line can print it and exit with status 2. Unknown keys are refused: a typo in a weight name must not silently fall
back to a default.
"""

from __future__ import annotations

import base64
import binascii
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np

from portal.geo.codes import is_valid_lg_code, normalise_digits

CHALLENGE_STAGES = ("idea", "poc", "product")
STARTUP_STAGES = ("seed", "early", "growth", "established")
OUTCOMES = ("poc", "contract", "deployment")
FACTORS = ("text", "themes", "travel", "track_record", "stage", "preference")

# Defaults, a written policy (docs/matching.md): the text is dominant; the startup's own preference and the
# municipality's grade next; themes, track record, travel and stage are small, separating otherwise similar fits.
DEFAULT_WEIGHTS = {
    "text": 0.60,
    "themes": 0.08,
    "travel": 0.06,
    "track_record": 0.08,
    "stage": 0.03,
    "preference": 0.15,
}
DEFAULT_TOP_K = 5
EMBEDDING_DIMENSIONS = 384  # multilingual-e5-small (embedding.py)
# No pair scoring below this is assigned or proposed as an alternate (fixed pairs are kept regardless).
DEFAULT_MIN_SCORE = 0.30
DEFAULT_ALTERNATES = 2  # named stand-ins per challenge
PREFERENCES = (1, 2, 3)  # 第1希望, 第2希望, 第3希望


class ProblemError(ValueError):
    """Invalid input; the message names the item at fault."""


@dataclass(frozen=True)
class TrackRecord:
    themes: tuple[str, ...]
    outcome: str
    title: str = ""
    municipality: str = ""  # the municipality's name as written
    fiscal_year: int | None = None


@dataclass(frozen=True)
class Challenge:
    id: Any
    title: str
    description: str = ""
    themes: tuple[str, ...] = ()
    municipality_code: str = ""
    max_partners: int = 1
    budget_yen: int | None = None
    stage: str | None = None
    # sentence embedding of the challenge's text (unit length, float32), computed when it was saved; None = none
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Startup:
    id: Any
    name: str
    description: str = ""
    themes: tuple[str, ...] = ()
    prefecture_code: str = ""
    capacity: int = 2
    stage: str | None = None
    track_record: tuple[TrackRecord, ...] = ()
    # sentence embedding of the startup's text (unit length, float32), computed when it was saved; None = none
    embedding: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Application:
    startup: Any
    challenge: Any
    text: str = ""
    shortlisted: bool = False
    # the startup's own ranking of its applications in the round: 1 = 第1希望, 2, 3; None when not given
    preference: int | None = None
    # the municipality's grade of this applicant, −1.0 … +1.0; None when not graded
    grade: float | None = None


@dataclass(frozen=True)
class Pair:
    startup: Any
    challenge: Any


@dataclass(frozen=True)
class Conflict:
    """A declared conflict of interest: the pair is never assigned nor proposed as an alternate, and is reported."""

    startup: Any
    challenge: Any
    reason: str = ""


@dataclass(frozen=True)
class Weights:
    text: float = DEFAULT_WEIGHTS["text"]
    themes: float = DEFAULT_WEIGHTS["themes"]
    travel: float = DEFAULT_WEIGHTS["travel"]
    track_record: float = DEFAULT_WEIGHTS["track_record"]
    stage: float = DEFAULT_WEIGHTS["stage"]
    preference: float = DEFAULT_WEIGHTS["preference"]

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in FACTORS}

    def normalised(self) -> dict[str, float]:
        """Weights scaled to sum to 1, so that a score is in [0, 1]."""
        total = sum(self.as_dict().values())
        return {name: value / total for name, value in self.as_dict().items()}


@dataclass(frozen=True)
class Problem:
    challenges: tuple[Challenge, ...]
    startups: tuple[Startup, ...]
    applications: tuple[Application, ...] = ()
    exclusions: tuple[Pair, ...] = ()
    fixed: tuple[Pair, ...] = ()
    weights: Weights = field(default_factory=Weights)
    travel_budget_yen: int | None = None
    top_k: int = DEFAULT_TOP_K
    conflicts: tuple[Conflict, ...] = ()
    min_score: float = DEFAULT_MIN_SCORE
    floor: bool = True  # every challenge with a candidate at or above min_score gets a partner when possible
    alternates: int = DEFAULT_ALTERNATES


# --- loading -------------------------------------------------------------------------------------------------------

_TOP_KEYS = {
    "challenges",
    "startups",
    "applications",
    "exclusions",
    "fixed",
    "weights",
    "travel_budget_yen",
    "top_k",
    "conflicts",
    "min_score",
    "floor",
    "alternates",
}
_CHALLENGE_KEYS = {
    "embedding",
    "id",
    "title",
    "description",
    "themes",
    "municipality_code",
    "max_partners",
    "budget_yen",
    "stage",
}
_STARTUP_KEYS = {
    "embedding",
    "id",
    "name",
    "description",
    "themes",
    "prefecture_code",
    "capacity",
    "stage",
    "track_record",
}
_RECORD_KEYS = {"themes", "outcome", "title", "municipality", "fiscal_year"}
_APPLICATION_KEYS = {"startup", "challenge", "text", "shortlisted", "preference", "grade"}
_PAIR_KEYS = {"startup", "challenge"}
_CONFLICT_KEYS = {"startup", "challenge", "reason"}


def _label(where: str, item: dict | None = None) -> str:
    if isinstance(item, dict) and "id" in item:
        return f"{where} (id {_show(item['id'])})"
    return where


def _show(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise ProblemError(f"{where}: an object is expected, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise ProblemError(f"{where}: a list is expected, got {type(value).__name__}")
    return value


def _keys(item: dict, allowed: set[str], required: set[str], where: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise ProblemError(
            f"{where}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}"
        )
    missing = sorted(required - set(item))
    if missing:
        raise ProblemError(f"{where}: missing key(s) {', '.join(map(repr, missing))}")


def _identifier(value: Any, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ProblemError(f"{where}: id must be a string or an integer, got {value!r}")
    if isinstance(value, str) and not value.strip():
        raise ProblemError(f"{where}: id must not be empty")
    return value


def _text(value: Any, where: str, key: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ProblemError(f"{where}: {key} must be a string, got {value!r}")
    if required and not value.strip():
        raise ProblemError(f"{where}: {key} must not be empty")
    return value


@overload
def _integer(value: Any, where: str, key: str, *, minimum: int, nullable: Literal[False] = False) -> int: ...
@overload
def _integer(value: Any, where: str, key: str, *, minimum: int, nullable: bool) -> int | None: ...
def _integer(value: Any, where: str, key: str, *, minimum: int, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(f"{where}: {key} must be an integer, got {value!r}")
    if value < minimum:
        raise ProblemError(f"{where}: {key} must be ≥ {minimum}, got {value}")
    return value


def _themes(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = _list(value, f"{where}.themes")
    themes = []
    for position, theme in enumerate(items):
        if not isinstance(theme, str) or not theme.strip():
            raise ProblemError(f"{where}.themes[{position}]: a non-empty string is expected, got {theme!r}")
        normalised = normalise_theme(theme)
        if normalised not in themes:
            themes.append(normalised)
    return tuple(themes)


def normalise_theme(theme: str) -> str:
    """Themes compare after NFKC, lower-casing and trimming: '除雪 ' == '除雪', 'ＤＸ' == 'dx'."""
    return unicodedata.normalize("NFKC", theme).strip().lower()


def _choice(value: Any, where: str, key: str, choices: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in choices:
        raise ProblemError(f"{where}: {key} must be one of {', '.join(choices)} or null, got {value!r}")
    return value


def _load_challenge(item: Any, position: int) -> Challenge:
    where = f"challenges[{position}]"
    item = _mapping(item, where)
    where = _label(where, item)
    _keys(item, _CHALLENGE_KEYS, {"id", "title", "municipality_code"}, where)
    code = item["municipality_code"]
    if not isinstance(code, str):
        raise ProblemError(f"{where}: municipality_code must be a 6-digit string, got {code!r}")
    if not is_valid_lg_code(code):
        raise ProblemError(
            f"{where}: municipality_code {code!r} is not a valid local-government code (check digit)"
        )
    return Challenge(
        id=_identifier(item["id"], where),
        title=_text(item["title"], where, "title", required=True),
        description=_text(item.get("description"), where, "description"),
        themes=_themes(item.get("themes"), where),
        municipality_code=normalise_digits(code),
        max_partners=_integer(item.get("max_partners", 1), where, "max_partners", minimum=0),
        budget_yen=_integer(item.get("budget_yen"), where, "budget_yen", minimum=0, nullable=True),
        stage=_choice(item.get("stage"), where, "stage", CHALLENGE_STAGES),
        embedding=_embedding(item.get("embedding"), where),
    )


def _load_record(item: Any, where: str) -> TrackRecord:
    item = _mapping(item, where)
    _keys(item, _RECORD_KEYS, {"outcome"}, where)
    outcome = item["outcome"]
    if outcome not in OUTCOMES:
        raise ProblemError(f"{where}: outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
    fiscal_year = _integer(item.get("fiscal_year"), where, "fiscal_year", minimum=1900, nullable=True)
    if fiscal_year is not None and fiscal_year > 2100:
        raise ProblemError(f"{where}: fiscal_year must be a year (1900–2100), got {fiscal_year}")
    return TrackRecord(
        themes=_themes(item.get("themes"), where),
        outcome=outcome,
        title=_text(item.get("title"), where, "title"),
        municipality=_text(item.get("municipality"), where, "municipality"),
        fiscal_year=fiscal_year,
    )


# The compact form of an embedding: {"dtype": "float32" | "float16", "dimensions": 384, "base64": "..."}, the
# base64 (RFC 4648, with padding) of the little-endian values. Reading 384 numbers as JSON text costs far more than
# decoding 2 KB of base64, and the portal stores exactly these bytes (float32, little-endian).
EMBEDDING_DTYPES = {"float32": "<f4", "float16": "<f2"}
_EMBEDDING_KEYS = {"dtype", "dimensions", "base64"}


def encode_embedding(vector: Any, dtype: str = "float32") -> dict:
    """The compact JSON form of an embedding (see docs/matching.md, Input): the base64 of its little-endian values."""
    values = np.asarray(vector, dtype=EMBEDDING_DTYPES[dtype]).ravel()
    return {
        "dtype": dtype,
        "dimensions": int(values.size),
        "base64": base64.b64encode(values.tobytes()).decode("ascii"),
    }


def _embedding(value: Any, where: str) -> np.ndarray | None:
    """An optional sentence embedding — a list of EMBEDDING_DIMENSIONS finite numbers, or the compact form — stored
    unit length (float32)."""
    if value is None:
        return None
    if isinstance(value, dict):
        vector = _compact_embedding(value, where)
    else:
        if not isinstance(value, list) or len(value) != EMBEDDING_DIMENSIONS:
            raise ProblemError(
                f"{where}: embedding must be a list of {EMBEDDING_DIMENSIONS} numbers, "
                '{"dtype", "dimensions", "base64"} or null'
            )
        if not set(map(type, value)) <= {int, float}:  # no strings, no booleans (C-speed check of 384 items)
            raise ProblemError(f"{where}: embedding must contain numbers only")
        vector = np.asarray(value, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    if not np.isfinite(vector).all() or norm == 0:
        raise ProblemError(f"{where}: embedding must be finite and not all zero")
    return vector / np.float32(norm)


def _compact_embedding(value: dict, where: str) -> np.ndarray:
    """The float32 values of an embedding in the compact form, checked: dtype, dimensions, base64 and length."""
    _keys(value, _EMBEDDING_KEYS, _EMBEDDING_KEYS, f"{where}: embedding")
    dtype, dimensions, text = value["dtype"], value["dimensions"], value["base64"]
    if dtype not in EMBEDDING_DTYPES:
        raise ProblemError(
            f"{where}: embedding dtype must be one of {', '.join(EMBEDDING_DTYPES)}, got {dtype!r}"
        )
    if isinstance(dimensions, bool) or dimensions != EMBEDDING_DIMENSIONS:
        raise ProblemError(
            f"{where}: embedding dimensions must be {EMBEDDING_DIMENSIONS}, got {dimensions!r}"
        )
    if not isinstance(text, str):
        raise ProblemError(f"{where}: embedding base64 must be a string, got {type(text).__name__}")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProblemError(f"{where}: embedding base64 is not valid base64") from None
    size = np.dtype(EMBEDDING_DTYPES[dtype]).itemsize
    if len(raw) != EMBEDDING_DIMENSIONS * size:
        raise ProblemError(
            f"{where}: embedding base64 holds {len(raw)} bytes, expected {EMBEDDING_DIMENSIONS * size} "
            f"({EMBEDDING_DIMENSIONS} {dtype} values)"
        )
    return np.frombuffer(raw, dtype=EMBEDDING_DTYPES[dtype]).astype(np.float32)


def _load_startup(item: Any, position: int) -> Startup:
    where = f"startups[{position}]"
    item = _mapping(item, where)
    where = _label(where, item)
    _keys(item, _STARTUP_KEYS, {"id", "name", "prefecture_code"}, where)
    code = item["prefecture_code"]
    if not isinstance(code, str):
        raise ProblemError(f"{where}: prefecture_code must be a 2-digit string, got {code!r}")
    code = normalise_digits(code)
    if len(code) != 2 or not code.isdigit() or not 1 <= int(code) <= 47:
        raise ProblemError(
            f"{where}: prefecture_code {item['prefecture_code']!r} is not a JIS X 0401 code (01–47)"
        )
    records = _list(item.get("track_record") or [], f"{where}.track_record")
    return Startup(
        id=_identifier(item["id"], where),
        name=_text(item["name"], where, "name", required=True),
        description=_text(item.get("description"), where, "description"),
        themes=_themes(item.get("themes"), where),
        prefecture_code=code,
        capacity=_integer(item.get("capacity", 2), where, "capacity", minimum=0),
        stage=_choice(item.get("stage"), where, "stage", STARTUP_STAGES),
        track_record=tuple(
            _load_record(record, f"{where}.track_record[{index}]") for index, record in enumerate(records)
        ),
        embedding=_embedding(item.get("embedding"), where),
    )


def _reference(item: dict, where: str, startups: dict, challenges: dict) -> tuple[Any, Any]:
    startup, challenge = item["startup"], item["challenge"]
    if startup not in startups or isinstance(startup, bool):
        raise ProblemError(f"{where}: unknown startup id {_show(startup)}")
    if challenge not in challenges or isinstance(challenge, bool):
        raise ProblemError(f"{where}: unknown challenge id {_show(challenge)}")
    return startup, challenge


def _load_pairs(items: Any, name: str, startups: dict, challenges: dict) -> tuple[Pair, ...]:
    pairs, seen = [], set()
    for position, item in enumerate(_list(items or [], name)):
        where = f"{name}[{position}]"
        item = _mapping(item, where)
        _keys(item, _PAIR_KEYS, _PAIR_KEYS, where)
        key = _reference(item, where, startups, challenges)
        if key in seen:
            raise ProblemError(f"{where}: duplicate pair startup {_show(key[0])} / challenge {_show(key[1])}")
        seen.add(key)
        pairs.append(Pair(*key))
    return tuple(pairs)


def _pair_label(where: str, item: dict) -> str:
    """'conflicts[0] (startup "s-1", challenge "c-9")' — the item and the pair it names, as written."""
    parts = [f"{key} {_show(item[key])}" for key in ("startup", "challenge") if key in item]
    return f"{where} ({', '.join(parts)})" if parts else where


def _load_conflicts(items: Any, startups: dict, challenges: dict) -> tuple[Conflict, ...]:
    conflicts: list[Conflict] = []
    seen: dict[tuple[Any, Any], int] = {}
    for position, item in enumerate(_list(items or [], "conflicts")):
        where = f"conflicts[{position}]"
        item = _mapping(item, where)
        where = _pair_label(where, item)
        _keys(item, _CONFLICT_KEYS, _PAIR_KEYS, where)
        startup, challenge = item["startup"], item["challenge"]
        if isinstance(startup, bool) or startup not in startups:
            raise ProblemError(f"{where}: unknown startup")
        if isinstance(challenge, bool) or challenge not in challenges:
            raise ProblemError(f"{where}: unknown challenge")
        if (startup, challenge) in seen:
            raise ProblemError(
                f"{where}: the same pair is already declared at conflicts[{seen[startup, challenge]}]"
            )
        seen[startup, challenge] = position
        conflicts.append(Conflict(startup, challenge, _text(item.get("reason"), where, "reason")))
    return tuple(conflicts)


def _preference(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or value not in PREFERENCES:
        raise ProblemError(f"{where}: preference must be 1, 2, 3 or null, got {value!r}")
    return value


def _grade(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProblemError(f"{where}: grade must be a number from -1 to 1 or null, got {value!r}")
    if not -1.0 <= value <= 1.0:
        raise ProblemError(f"{where}: grade must be from -1 to 1, got {value}")
    return float(value)


def _fraction(value: Any, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProblemError(f"{where}: {key} must be a number from 0 to 1, got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise ProblemError(f"{where}: {key} must be from 0 to 1, got {value}")
    return float(value)


def _boolean(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ProblemError(f"{where}: {key} must be true or false, got {value!r}")
    return value


def _load_weights(value: Any) -> Weights:
    if value is None:
        return Weights()
    value = _mapping(value, "weights")
    _keys(value, set(FACTORS), set(), "weights")
    weights = dict(DEFAULT_WEIGHTS)
    for name, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
            raise ProblemError(f"weights.{name}: a number is expected, got {weight!r}")
        if weight < 0:
            raise ProblemError(f"weights.{name}: must be ≥ 0, got {weight}")
        weights[name] = float(weight)
    if sum(weights.values()) <= 0:
        raise ProblemError("weights: at least one weight must be positive")
    return Weights(**weights)


def load_problem(data: Any) -> Problem:
    """Validate a decoded JSON document (the open input format) and return the `Problem` it describes.

    Raises `ProblemError` naming the item at fault: unknown or missing keys, wrong types, duplicate ids, unknown ids in
    applications/exclusions/fixed/conflicts, negative capacities, local-government codes with a wrong check digit, a
    pair that is both fixed and excluded (or declared a conflict), one preference number given twice by a startup.
    Whether a code exists in the geo data is checked when travel costs are looked up.
    """
    data = _mapping(data, "input")
    _keys(data, _TOP_KEYS, {"challenges", "startups"}, "input")
    challenges = tuple(
        _load_challenge(item, i) for i, item in enumerate(_list(data["challenges"], "challenges"))
    )
    startups = tuple(_load_startup(item, i) for i, item in enumerate(_list(data["startups"], "startups")))
    by_challenge: dict[Any, int] = {}
    for position, challenge in enumerate(challenges):
        if challenge.id in by_challenge:
            raise ProblemError(
                f"challenges[{position}]: duplicate id {_show(challenge.id)} (first at challenges[{by_challenge[challenge.id]}])"
            )
        by_challenge[challenge.id] = position
    by_startup: dict[Any, int] = {}
    for position, startup in enumerate(startups):
        if startup.id in by_startup:
            raise ProblemError(
                f"startups[{position}]: duplicate id {_show(startup.id)} (first at startups[{by_startup[startup.id]}])"
            )
        by_startup[startup.id] = position

    applications: list[Application] = []
    seen: set[tuple[Any, Any]] = set()
    # (startup, preference) → position of the application that gave it
    preferences: dict[tuple[Any, int], int] = {}
    for position, item in enumerate(_list(data.get("applications") or [], "applications")):
        where = f"applications[{position}]"
        item = _mapping(item, where)
        _keys(item, _APPLICATION_KEYS, {"startup", "challenge"}, where)
        key = _reference(item, where, by_startup, by_challenge)
        if key in seen:
            raise ProblemError(
                f"{where}: duplicate application of startup {_show(key[0])} to challenge {_show(key[1])}"
            )
        seen.add(key)
        shortlisted = item.get("shortlisted", False)
        if not isinstance(shortlisted, bool):
            raise ProblemError(f"{where}: shortlisted must be true or false, got {shortlisted!r}")
        preference = _preference(item.get("preference"), where)
        if preference is not None:
            first = preferences.get((key[0], preference))
            if first is not None:
                raise ProblemError(
                    f"{where}: startup {_show(key[0])} gives preference {preference} to challenge {_show(key[1])}"
                    f" and to challenge {_show(applications[first].challenge)} (applications[{first}])"
                )
            preferences[key[0], preference] = position
        applications.append(
            Application(
                key[0],
                key[1],
                _text(item.get("text"), where, "text"),
                shortlisted,
                preference=preference,
                grade=_grade(item.get("grade"), where),
            )
        )

    exclusions = _load_pairs(data.get("exclusions"), "exclusions", by_startup, by_challenge)
    fixed = _load_pairs(data.get("fixed"), "fixed", by_startup, by_challenge)
    excluded = {(p.startup, p.challenge) for p in exclusions}
    for position, pair in enumerate(fixed):
        if (pair.startup, pair.challenge) in excluded:
            raise ProblemError(
                f"fixed[{position}]: startup {_show(pair.startup)} / challenge {_show(pair.challenge)} is also excluded"
            )
    conflicts = _load_conflicts(data.get("conflicts"), by_startup, by_challenge)
    conflicted = {(c.startup, c.challenge): position for position, c in enumerate(conflicts)}
    for position, pair in enumerate(fixed):
        if (pair.startup, pair.challenge) in conflicted:
            raise ProblemError(
                f"fixed[{position}]: startup {_show(pair.startup)} / challenge {_show(pair.challenge)} is also "
                f"declared a conflict of interest (conflicts[{conflicted[pair.startup, pair.challenge]}])"
            )
    load: dict[tuple[str, Any], int] = {}
    for position, pair in enumerate(fixed):
        for kind, key, limit in (
            ("startup", pair.startup, startups[by_startup[pair.startup]].capacity),
            ("challenge", pair.challenge, challenges[by_challenge[pair.challenge]].max_partners),
        ):
            load[kind, key] = load.get((kind, key), 0) + 1
            if load[kind, key] > limit:
                name = "capacity" if kind == "startup" else "max_partners"
                raise ProblemError(
                    f"fixed[{position}]: {kind} {_show(key)} has more fixed pairs than its {name} ({limit})"
                )

    return Problem(
        challenges=challenges,
        startups=startups,
        applications=tuple(applications),
        exclusions=exclusions,
        fixed=fixed,
        weights=_load_weights(data.get("weights")),
        travel_budget_yen=_integer(
            data.get("travel_budget_yen"), "input", "travel_budget_yen", minimum=0, nullable=True
        ),
        top_k=_integer(data.get("top_k", DEFAULT_TOP_K), "input", "top_k", minimum=1),
        conflicts=conflicts,
        min_score=_fraction(data.get("min_score", DEFAULT_MIN_SCORE), "input", "min_score"),
        floor=_boolean(data.get("floor", True), "input", "floor"),
        alternates=_integer(data.get("alternates", DEFAULT_ALTERNATES), "input", "alternates", minimum=0),
    )
