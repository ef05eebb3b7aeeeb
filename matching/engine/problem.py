"""The engine's input: dataclasses for one matching problem and a strict loader for the open JSON format.

`load_problem(data)` validates a decoded JSON document (see docs/matching.md) and returns a `Problem`. Every error is a
`ProblemError` whose message names the item at fault (`startups[3] (id "s-17"): capacity must be ≥ 0`), so the command
line can print it and exit with status 2. Unknown keys are refused: a typo in a weight name must not silently fall
back to a default.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from portal.geo.codes import is_valid_lg_code, normalise_digits

CHALLENGE_STAGES = ("idea", "poc", "product")
STARTUP_STAGES = ("seed", "early", "growth", "established")
OUTCOMES = ("poc", "contract", "deployment")
FACTORS = ("text", "themes", "travel", "track_record", "stage", "applied")

# Defaults, justified in docs/matching.md: the text is the richest evidence, themes and past results next, the
# application a strong signal of intent; travel and stage only separate otherwise similar candidates.
DEFAULT_WEIGHTS = {
    "text": 0.35,
    "themes": 0.20,
    "travel": 0.10,
    "track_record": 0.15,
    "stage": 0.05,
    "applied": 0.15,
}
DEFAULT_TOP_K = 5


class ProblemError(ValueError):
    """Invalid input; the message names the item at fault."""


@dataclass(frozen=True)
class TrackRecord:
    themes: tuple[str, ...]
    outcome: str


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


@dataclass(frozen=True)
class Application:
    startup: Any
    challenge: Any
    text: str = ""
    shortlisted: bool = False


@dataclass(frozen=True)
class Pair:
    startup: Any
    challenge: Any


@dataclass(frozen=True)
class Weights:
    text: float = DEFAULT_WEIGHTS["text"]
    themes: float = DEFAULT_WEIGHTS["themes"]
    travel: float = DEFAULT_WEIGHTS["travel"]
    track_record: float = DEFAULT_WEIGHTS["track_record"]
    stage: float = DEFAULT_WEIGHTS["stage"]
    applied: float = DEFAULT_WEIGHTS["applied"]

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
}
_CHALLENGE_KEYS = {
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
    "id",
    "name",
    "description",
    "themes",
    "prefecture_code",
    "capacity",
    "stage",
    "track_record",
}
_RECORD_KEYS = {"themes", "outcome"}
_APPLICATION_KEYS = {"startup", "challenge", "text", "shortlisted"}
_PAIR_KEYS = {"startup", "challenge"}


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
    )


def _load_record(item: Any, where: str) -> TrackRecord:
    item = _mapping(item, where)
    _keys(item, _RECORD_KEYS, {"outcome"}, where)
    outcome = item["outcome"]
    if outcome not in OUTCOMES:
        raise ProblemError(f"{where}: outcome must be one of {', '.join(OUTCOMES)}, got {outcome!r}")
    return TrackRecord(themes=_themes(item.get("themes"), where), outcome=outcome)


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
    applications/exclusions/fixed, negative capacities, local-government codes with a wrong check digit, a pair that
    is both fixed and excluded. Whether a code exists in the geo data is checked when travel costs are looked up.
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

    applications, seen = [], set()
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
        applications.append(Application(key[0], key[1], _text(item.get("text"), where, "text"), shortlisted))

    exclusions = _load_pairs(data.get("exclusions"), "exclusions", by_startup, by_challenge)
    fixed = _load_pairs(data.get("fixed"), "fixed", by_startup, by_challenge)
    excluded = {(p.startup, p.challenge) for p in exclusions}
    for position, pair in enumerate(fixed):
        if (pair.startup, pair.challenge) in excluded:
            raise ProblemError(
                f"fixed[{position}]: startup {_show(pair.startup)} / challenge {_show(pair.challenge)} is also excluded"
            )
    load = {}
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
    )
