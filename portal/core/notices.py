"""What a notification says: a kind plus parameters, rendered in the reader's language when it is read.

A notification row stores its `kind` and `params`, not sentences: the sentences come from the kind's templates
(registered here by each app's `notices.py`) and are translated when the row is shown or e-mailed, in the language
of whoever reads it — a Japanese sender's notice reads in English for an English reader.

Parameter values are frozen at sending time into JSON that still knows every language:
- plain `str` (text a person typed: a reason, a message) and numbers are kept as they are;
- `datetime.date` is kept as a date and written in the reader's date format;
- `Yen(n)` is an amount, written with thousands separators (the templates carry ¥ / 円);
- anything else — a lazy translation, a model instance whose `str()` depends on the language (an organisation's
  name), or a callable taking no arguments — is rendered once per language of settings.LANGUAGES.

This module imports no model: core's Notification model uses it to render itself.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.functional import Promise

from .i18n import reader_language

# Keys used for notifications sent the old way (title and body given as text, no registered kind).
TITLE_KEY = "_title"
BODY_KEY = "_body"
# A parameter choosing one wording of a kind for one audience (the municipality's side of a match, a failed run):
# the kind names the event, the variant who reads it.
VARIANT_KEY = "variant"


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its title and body templates (lazy msgids with %(name)s placeholders).

    With no body template, the body is the `text` parameter as typed (a reason, a message), untranslated.
    """

    name: str
    title: Promise | str
    body: Promise | str | None = None
    variant: str = ""


@dataclass(frozen=True)
class Yen:
    amount: int


_KINDS: dict[str, Kind] = {}


def _key(name: str, variant: str) -> str:
    return f"{name}/{variant}" if variant else name


def register(name: str, *, title, body=None, variant: str = "") -> Kind:
    """Declare a kind of notification, or one variant of it (idempotent: registering again replaces it)."""
    kind = Kind(name=name, title=title, body=body, variant=variant)
    _KINDS[_key(name, variant)] = kind
    return kind


def get(name: str, variant: str = "") -> Kind | None:
    return _KINDS.get(_key(name, variant))


def known(name: str) -> bool:
    """Whether the kind (any of its variants) is registered."""
    return name in _KINDS or any(key.startswith(f"{name}/") for key in _KINDS)


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def _languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def freeze(value):
    """One parameter value as JSON that can be rendered later in any language (see the module's docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Yen):
        return {"yen": int(value.amount)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, str) and not isinstance(value, Promise):
        return value
    texts = {}
    for language in _languages():
        with translation.override(language):
            texts[language] = str(value() if callable(value) else value)
    return {"t": texts}


def freeze_all(params: dict | None) -> dict:
    return {key: freeze(value) for key, value in (params or {}).items()}


def thaw(value, language: str | None = None):
    """A frozen value written for `language` (the active language by default)."""
    language = language or reader_language()
    if isinstance(value, dict):
        if "t" in value:
            texts = value["t"]
            return texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values()), "")
        if "yen" in value:
            return yen_text(value["yen"], language)
        if "date" in value:
            with translation.override(language):
                return date_text(dt.date.fromisoformat(value["date"]))
        if "datetime" in value:
            moment = dt.datetime.fromisoformat(value["datetime"])
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)  # the site's time zone (Japan), as every page shows times
            with translation.override(language):
                return formats.date_format(moment, "DATETIME_FORMAT")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return "" if value is None else value


def yen_text(amount: int, language: str) -> str:
    """An amount with thousands separators (14,400); the template says ¥%(a)s and its Japanese %(a)s円."""
    return f"{int(amount):,}"


def date_text(value: dt.date) -> str:
    """2026年12月7日 in Japanese, 7 Dec 2026 in English (settings' format modules, active language)."""
    return formats.date_format(value, "DATE_FORMAT")


def render(kind: str, params: dict | None, language: str | None = None) -> tuple[str, str] | None:
    """The (title, body) of a notification in `language`, or None when it cannot be rendered from its parameters
    (an unknown kind, or a template that needs a parameter the row lacks: the stored text is shown instead)."""
    params = params or {}
    language = language or reader_language()
    if TITLE_KEY in params:
        return str(thaw(params[TITLE_KEY], language)), str(thaw(params.get(BODY_KEY, ""), language))
    spec = _KINDS.get(_key(kind, str(params.get(VARIANT_KEY) or "")))
    if spec is None:
        return None
    values = {key: thaw(value, language) for key, value in params.items()}
    with translation.override(language):
        try:
            title = _fill(str(spec.title), values)
            if spec.body is not None:
                body = _fill(str(spec.body), values)
            else:
                body = str(values.get("text", ""))
        except (KeyError, ValueError, TypeError):
            return None
    return title, body


def _fill(template: str, values: dict) -> str:
    return template % values if values else template


def _with_language(message: Promise | str, language: str) -> str:
    with translation.override(language):
        return str(message)


def parse(kind: str, title: str, variant: str = "") -> dict | None:
    """The parameters a frozen title was written from, read back by matching it against the kind's title template
    in every language; None when it matches none (the row then keeps showing its stored text).

    Used once, by the migration that converted rows stored as sentences; values come back as the text they were
    written with (in the sender's language), which is the best that can be recovered.
    """
    spec = _KINDS.get(_key(kind, variant))
    if spec is None:
        return None
    for language in _languages():
        template = _with_language(spec.title, language)
        names: list[str] = []

        def group(match: re.Match, names=names) -> str:
            name = match.group(1)
            if name in names:
                return f"(?P={name})"
            names.append(name)
            return f"(?P<{name}>.+?)"

        pattern = re.sub(r"%\\\((\w+)\\\)[sd]", group, re.escape(template))
        found = re.fullmatch(pattern, title, flags=re.S)
        if found:
            params = {k: (int(v) if v.isdigit() else v) for k, v in found.groupdict().items()}
            return params | ({VARIANT_KEY: variant} if variant else {})
    return None
