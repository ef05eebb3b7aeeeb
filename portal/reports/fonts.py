"""Finding a Japanese font through fontconfig, the way WeasyPrint will find it.

Without a CJK font WeasyPrint still writes a PDF — full of empty boxes (tofu). We refuse instead, with a message
that names the package to install. `fc-match` always answers with *some* font, so we ask fontconfig for fonts
that cover Japanese (`fc-list :lang=ja`) and prefer the families we know to be complete.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Preferred families, best first: IPAex (Debian fonts-ipaexfont-gothic) and Noto CJK (fonts-noto-cjk).
PREFERRED_FAMILIES = (
    "IPAexGothic",
    "Noto Sans CJK JP",
    "IPAGothic",
    "Noto Serif CJK JP",
    "IPAexMincho",
)
INSTALL_HINT = "fonts-ipaexfont-gothic / fonts-noto-cjk"


class JapaneseFontMissing(RuntimeError):
    """No font on this machine covers Japanese: PDFs would print empty boxes, so we refuse to make them."""

    def __init__(self):
        super().__init__(
            str(
                _(
                    "No Japanese font is installed, so the PDF would show empty boxes instead of Japanese text. "
                    "Install one and try again: on Debian/Ubuntu `apt-get install fonts-ipaexfont-gothic` "
                    "(or `fonts-noto-cjk`)."
                )
            )
        )


@dataclass(frozen=True)
class JapaneseFont:
    family: str
    path: str


def _fc_list_japanese() -> list[tuple[str, str]]:
    """(family, file) pairs of every font fontconfig says covers Japanese; [] without fontconfig."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=ja", "family", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    pairs = []
    for line in out.splitlines():
        path, _sep, families = line.partition(":")
        if not families.strip():
            continue
        # "IPAexGothic,IPAexゴシック": the first name is the Latin family name.
        pairs.append((families.strip().split(",")[0].strip(), path.strip()))
    return pairs


def detect_japanese_font() -> JapaneseFont | None:
    """The best Japanese font fontconfig offers, or None when there is none."""
    pairs = _fc_list_japanese()
    if not pairs:
        return None
    for family in PREFERRED_FAMILIES:
        for found, path in sorted(pairs, key=lambda p: p[1]):
            if found == family:
                return JapaneseFont(found, path)
    found, path = sorted(pairs)[0]
    return JapaneseFont(found, path)


@functools.lru_cache(maxsize=1)
def _cached_font() -> JapaneseFont | None:
    return detect_japanese_font()


def japanese_font() -> JapaneseFont:
    """The font PDFs use; raises JapaneseFontMissing (naming the package to install) when there is none.

    The answer is cached for the process (fontconfig takes a few milliseconds); `japanese_font.cache_clear()`
    forgets it, e.g. after installing a font.
    """
    font = _cached_font()
    if font is None:
        raise JapaneseFontMissing()
    return font


japanese_font.cache_clear = _cached_font.cache_clear  # type: ignore[attr-defined]
