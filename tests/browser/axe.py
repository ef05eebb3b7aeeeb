"""axe-core in the browser tests: inject node_modules/axe-core/axe.min.js into a Playwright page, run it with the
WCAG 2.x A/AA rules, and fail with an actionable list (rule, impact, elements, help URL) for serious or critical
violations.

axe-core is a test-only npm devDependency pinned in package-lock.json; `make test` installs it (`make node-deps`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# More axe tags for a one-off look, e.g. AXE_EXTRA_TAGS=best-practice pytest -s tests/browser/test_accessibility.py
EXTRA_TAGS = [t for t in os.environ.get("AXE_EXTRA_TAGS", "").split(",") if t]
BLOCKING = ("serious", "critical")
LESSER = ("moderate", "minor")

_RUN = """async ([exclude, tags]) => {
  const context = exclude.length ? {exclude: exclude} : document;
  const result = await window.axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), summary: n.failureSummary || ''})),
  }));
}"""


# Every running animation and transition is brought to its end state at once (Animation.finish(), Web Animations
# API): the state that waiting for it reaches, without the wait. Wagtail's sidebar badge pings five times (about 25 s)
# on every admin screen at desktop width. finish() refuses an animation that never ends; that one is still awaited.
_AT_REST = """() => {
  const animations = document.getAnimations();
  for (const a of animations) {
    try { a.finish(); } catch (e) { /* InvalidStateError: infinite iterations */ }
  }
  return Promise.all(animations.map(a => a.finished.catch(() => null)));
}"""


def _version() -> str:
    return json.loads((AXE_JS.parent / "package.json").read_text(encoding="utf-8"))["version"]


def _inject(page) -> None:
    """Our pinned axe, also where a page brings its own (Wagtail's admin ships an older axe for its checker)."""
    if not AXE_JS.exists():
        pytest.fail(
            f"{AXE_JS.relative_to(ROOT)} is missing: run `make node-deps` (npm ci --no-audit --no-fund)"
        )
    ours = _version()
    loaded = "() => window.axe ? window.axe.version : null"
    if page.evaluate(loaded) == ours:
        return
    try:
        page.add_script_tag(path=str(AXE_JS))
    except Exception:  # noqa: BLE001 - a Content-Security-Policy without 'unsafe-inline' refuses the tag
        pass
    if page.evaluate(loaded) != ours:
        # Evaluated through the DevTools protocol, which a page's Content-Security-Policy does not govern.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    assert page.evaluate(loaded) == ours, f"axe-core {ours} could not be loaded into {page.url}"


def violations(page, *, exclude: tuple[str, ...] = (), impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """The page's axe violations with one of `impacts`; `exclude` takes CSS selectors of markup that isn't ours."""
    _inject(page)
    found = page.evaluate(_RUN, [list(exclude), WCAG_TAGS + EXTRA_TAGS])
    return [v for v in found if v["impact"] in impacts]


def describe(url: str, found: list[dict]) -> str:
    lines = [f"{url}: {len(found)} accessibility violation(s)"]
    for v in found:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"      {node['target']}")
            detail = " ".join(node["summary"].split())
            if detail:
                lines.append(f"        {detail[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"      … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


class AxeChecker:
    """Visits pages and collects every page's serious/critical violations, so one run reports them all."""

    def __init__(self, page, *, exclude: tuple[str, ...] = ()):
        self.page = page
        self.exclude = exclude
        self.failures: list[str] = []
        self.checked: list[str] = []
        self.lesser: list[str] = []  # moderate and minor findings: printed (pytest -s shows them), not failed

    def check(self, url: str | None = None, *, exclude: tuple[str, ...] = ()) -> None:
        if url is not None:
            response = self.page.goto(url)
            assert response is None or response.ok, f"{url} answered {response.status}"
        self.page.wait_for_load_state("load")
        # Colours are judged as shown at rest: a message still fading in (Wagtail's) blends with the page behind it.
        self.page.evaluate(_AT_REST)
        label = url or self.page.url
        # Contrast is only judged against the real styles: every stylesheet the page links must have loaded.
        unloaded = self.page.evaluate(
            "() => [...document.querySelectorAll('link[rel=stylesheet]')]"
            ".filter(l => !l.sheet || l.sheet.cssRules.length === 0).map(l => l.href)"
        )
        assert not unloaded, f"{label}: stylesheets did not load: {unloaded}"
        self.checked.append(label)
        found = violations(self.page, exclude=self.exclude + exclude, impacts=BLOCKING + LESSER)
        blocking = [v for v in found if v["impact"] in BLOCKING]
        lesser = [v for v in found if v["impact"] in LESSER]
        if blocking:
            self.failures.append(describe(label, blocking))
        if lesser:
            self.lesser.append(describe(label, lesser))

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        if self.lesser:
            print("\naxe, moderate/minor (not failing):\n" + "\n".join(self.lesser))
        assert not self.failures, "\n".join(self.failures)
