"""In Chromium: the main public pages, My page and the admin screens (dashboard, page editor with its live preview,
the tracker's charts) load under the Content-Security-Policy without a single violation."""

import pytest

from tests import factories
from tests.browser.demo import demo_programme_open_today
from tests.challenges import factories as cf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Before any page script runs: keep every violation the page reports (the console carries them too).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watch(pg) -> list[str]:
    seen: list[str] = []
    pg.add_init_script(LISTEN)
    pg.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def visit(pg, path: str, seen: list[str]) -> None:
    response = pg.goto(path)
    assert response.status == 200, path
    assert "Content-Security-Policy" in {h["name"].title() for h in response.headers_array()}
    pg.wait_for_load_state("load")
    seen.extend(f"{path}: {v}" for v in pg.evaluate("window.__cspViolations || []"))


@pytest.fixture
def programme():
    takamatsu = cf.municipality("372013", "高松市")
    current = demo_programme_open_today(takamatsu).rounds[2026]
    challenge = cf.challenge(
        title="レンタサイクルの利用データを観光に生かしたい", municipality_org=takamatsu, round=current
    )
    return takamatsu, challenge


def _login(pg, email, landing):
    pg.goto("/accounts/login/")
    pg.locator("#id_username").fill(email)
    pg.locator("#id_password").fill(factories.PASSWORD)
    pg.get_by_role("button", name="ログイン").last.click()
    pg.wait_for_url(landing)


def test_public_pages_and_my_page_load_without_csp_violations(page, programme):
    _takamatsu, challenge = programme
    startup = factories.organisation("startup", name="株式会社ゆきみち")
    founder = factories.member(startup, email="founder@yukimichi.example.jp")
    seen = watch(page)
    for path in (
        "/",
        "/en/",
        "/rounds/fy2026/",
        "/challenges/",
        challenge.url,
        "/search/?q=レンタサイクル",
        "/results/",
        "/privacy/",
        "/accounts/register/",
        "/accounts/login/",
    ):
        visit(page, path, seen)
    _login(page, founder.email, "**/mypage/")
    visit(page, "/mypage/", seen)
    assert page.get_by_role("progressbar").count() == 1  # the profile bar, drawn without a style attribute
    for path in ("/mypage/profile/", "/applications/", "/mypage/notifications/"):
        visit(page, path, seen)
    assert seen == []


def test_admin_dashboard_editor_preview_and_charts_load_without_csp_violations(page, programme):
    _takamatsu, challenge = programme
    officer = factories.staff(
        factories.organisation("ministry", name="総務省"), email="officer@soumu.example.jp"
    )
    seen = watch(page)
    _login(page, officer.email, "**/admin/")
    visit(page, "/admin/", seen)
    visit(page, "/admin/tracker/dashboard/", seen)
    assert page.locator("svg.bar-chart").count() >= 1
    visit(page, f"/admin/pages/{challenge.pk}/edit/", seen)
    page.locator('[data-side-panel-toggle="preview"]').click()
    preview = page.frame_locator("#w-preview-iframe")
    # The preview (served from /admin/, framed by the editor) renders the page: the frame-ancestors/frame-src pair works.
    title = preview.locator("main h1").first
    title.wait_for(state="attached")
    assert title.text_content().strip() == challenge.title
    seen.extend(page.evaluate("window.__cspViolations || []"))
    assert seen == []
