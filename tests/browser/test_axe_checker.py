"""The accessibility checker itself (tests/browser/axe.py): it fails on a real violation, judges a page as shown at
rest (an animation still running is brought to its end first), and leaves out only the markup it is told to."""

import pytest

from tests.browser.axe import AxeChecker

pytestmark = pytest.mark.browser

# Grey on grey: about 1.3:1, far below the 4.5:1 WCAG 2 AA asks of body text (axe's color-contrast, serious).
LOW_CONTRAST = '<p id="{id}" class="faint" style="color:#777;background:#999">読みにくい文字</p>'
OURS, THEIRS = LOW_CONTRAST.format(id="ours"), LOW_CONTRAST.format(id="in-theirs")
PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>検査</title>
<style>{style}</style></head><body><main><h1>見出し</h1>{body}</main><aside id="theirs">{aside}</aside></body></html>"""


@pytest.fixture
def blank(chromium):
    context = chromium.new_context(locale="ja-JP")
    pg = context.new_page()
    yield pg
    context.close()


def _check(pg, *, body="", aside="", style="", exclude=()):
    pg.set_content(PAGE.format(body=body, aside=aside, style=style))
    axe = AxeChecker(pg, exclude=exclude)
    axe.check()
    return axe


def test_a_clean_page_passes(blank):
    _check(blank, body="<p>読める文字</p>").assert_clean()


def test_a_low_contrast_text_fails_with_the_rule_and_the_element(blank):
    axe = _check(blank, body=OURS)
    with pytest.raises(AssertionError) as failed:
        axe.assert_clean()
    assert "[serious] color-contrast" in str(failed.value) and "#ours" in str(failed.value)


def test_a_text_still_fading_in_is_judged_as_it_ends(blank):
    # Ten minutes from invisible (axe skips a transparent element) to its final, unreadable colours: the checker
    # brings the animation to its end rather than judging the first frame or waiting the ten minutes out.
    fade = "@keyframes appear { from { opacity: 0 } to { opacity: 1 } } .faint { animation: appear 600s 2 }"
    axe = _check(blank, body=OURS, style=fade)
    assert len(axe.failures) == 1 and "color-contrast" in axe.failures[0] and "#ours" in axe.failures[0]


def test_only_the_excluded_markup_is_left_out(blank):
    _check(blank, aside=THEIRS, exclude=("#theirs",)).assert_clean()
    axe = _check(blank, body=OURS, aside=THEIRS, exclude=("#theirs",))
    assert len(axe.failures) == 1 and "#ours" in axe.failures[0] and "#in-theirs" not in axe.failures[0]
    axe = _check(blank, body=OURS, aside=THEIRS)
    assert "#ours" in axe.failures[0] and "#in-theirs" in axe.failures[0]
