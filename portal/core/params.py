"""Reading numbers typed into query strings and forms by hand (ids, years), where a bad value means "none"."""

from __future__ import annotations

MAX_ID_DIGITS = 18  # fits a 64-bit primary key


def positive_id(value) -> int | None:
    """An object id ('12') from a form or query string, or None for anything else: 'abc', '²', '-1', '9' × 5000.

    Only ASCII digits: str.isdigit() accepts '²' and int() refuses it; int() refuses more than 4300 digits too.
    """
    text = str(value if value is not None else "").strip()
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
