"""Just enough .po parsing for the translation test: msgid (with context and plural) → first msgstr."""

import ast
from pathlib import Path


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def read(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    field = None
    cur: dict[str, str] = {}

    def flush():
        if "msgid" in cur:
            key = (cur.get("msgctxt", "") + "\x04" if "msgctxt" in cur else "") + cur["msgid"]
            entries[key] = cur.get("msgstr", "") or cur.get("msgstr[0]", "")
        cur.clear()

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and "msgid" in cur:
                flush()
            continue
        if line.startswith('"'):
            if field:
                cur[field] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in cur):
            flush()
        field = keyword
        cur[field] = _unquote(rest)
    flush()
    return entries


def entries(path: Path) -> list[tuple[str | None, str, str | None]]:
    """Every entry of a .po file but its header, as (msgctxt or None, msgid, msgid_plural or None)."""
    found: list[tuple[str | None, str, str | None]] = []
    field = None
    cur: dict[str, str] = {}

    def flush():
        if cur.get("msgid"):
            found.append((cur.get("msgctxt"), cur["msgid"], cur.get("msgid_plural")))
        cur.clear()

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            if field:
                cur[field] += _unquote(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in cur):
            flush()
        field = keyword
        cur[field] = _unquote(rest)
    flush()
    return found
