"""Server-side SVG bar charts, accessible: role="img", a <title> and a <desc>, and the figures in a table beside.

Pure Python (no Django model access): pass labels and values, get markup. Reports can reuse it.

    svg = bar_chart(title="Engagements by stage", desc="…", rows=[("first visit", 3), ("PoC running", 2)])
"""

from __future__ import annotations

import itertools
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_ids = itertools.count(1)

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 180
BAR_AREA = 360
VALUE_WIDTH = 110
COLOURS = ("#0031d8", "#00a3bf", "#259d63", "#e25100", "#7e57c2", "#d81b60")


def yen_text(value: int | float) -> str:
    """An amount of money as the reader's language writes it: 14,400円 in Japanese, ¥14,400 in English."""
    return _("¥%(amount)s") % {"amount": f"{value:,}"}


def bar_chart(
    *,
    title: str,
    desc: str,
    rows: list[tuple[str, int | float]],
    unit: str = "",
    colour: str = COLOURS[0],
    yen: bool = False,
) -> SafeString:
    """A horizontal bar chart: one bar per (label, value). Values must be non-negative; `yen` writes them as money."""
    uid = f"chart{next(_ids)}"
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    top = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'viewBox="0 0 {width} {height}" width="100%" class="bar-chart" style="max-width:{width}px">',
        f'<title id="{uid}-t">{escape(str(title))}</title>',
        f'<desc id="{uid}-d">{escape(str(desc))}</desc>',
    ]
    for i, (label, value) in enumerate(rows):
        if value < 0:
            raise ValueError("bar_chart values must be non-negative")
        y = GAP + i * (BAR_HEIGHT + GAP)
        w = round(BAR_AREA * value / top, 1)
        text = yen_text(value) if yen else f"{value:,}{unit}"
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" font-size="13">'
            f"{escape(str(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + w + 6:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" font-size="13">'
            f"{escape(text)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
